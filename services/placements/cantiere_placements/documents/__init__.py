"""The internship's four documents: agreement, training project, monthly attendance register, attestation."""
