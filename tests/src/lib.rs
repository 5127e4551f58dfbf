//! Integration tests for stillroom.
