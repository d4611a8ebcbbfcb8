// Readers live in this folder, one format per file.
