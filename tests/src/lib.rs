//! Integration, property and UI tests for stillroom live in `tests/`; this
//! library only makes the user documentation's code blocks doc tests, so a
//! documented example that stops compiling fails CI.

#[cfg(doctest)]
#[doc = include_str!("../../docs/MIGRATIONS.md")]
struct MigrationsGuide;

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct Readme;

#[cfg(doctest)]
#[doc = include_str!("../../docs/DATABASE.md")]
struct DatabaseGuide;

#[cfg(doctest)]
#[doc = include_str!("../../docs/EXAMPLE_NEW_MODEL.md")]
struct WorkedExample;
