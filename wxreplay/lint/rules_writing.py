"""Writing rules (platform-spec 9.3) that can be checked deterministically: reported as warnings."""
