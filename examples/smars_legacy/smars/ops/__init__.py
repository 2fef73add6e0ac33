"""Operations plumbing: the automated e-mail SMARS sends to the ops distribution list."""
