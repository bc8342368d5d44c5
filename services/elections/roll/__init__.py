"""The voter roll: eligibility rules, the build from the registry, the change-feed follower."""
