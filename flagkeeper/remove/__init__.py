"""`flagkeeper remove`: the libcst codemod that deletes a flag and the code it made dead."""
