//! Programs that use every accepted form of `#[derive(Model)]`, checked
//! against the schema they produce and used on a real database. The misuses
//! are compile-fail cases in the `stillroom-ui` package (`tests/ui`).

mod all_attributes;
mod composite_key;
mod feature_types;
mod non_strict;
mod option_named_fields;
mod raw_identifiers;
mod user_column_type;
