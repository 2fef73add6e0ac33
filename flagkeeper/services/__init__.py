"""Flag services: read what LaunchDarkly, Unleash, Flagsmith, PostHog, GrowthBook or a flagd file knows (`flagkeeper pull`)."""
