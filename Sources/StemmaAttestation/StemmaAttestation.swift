// In-toto statements and DSSE envelopes: attest and verify-attestation.
