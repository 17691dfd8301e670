"""Plain helpers of the archive, no models: the rules of the classification and its
"why" text, the languages text is written in, the checks of typed input, the credit
code, the import's matching and reading of files, the list export."""
