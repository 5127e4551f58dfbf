// Models of the tables of an existing SQLite database, written by `stillroom::inspect`.
//
// Review them: the names of structs and fields, the Rust type chosen for each column,
// and every note. A note starting with "differs:" marks what a model cannot declare
// exactly; there the database differs from these models.
//
// Then add them to the application and generate the first revision from them
// (`db revision --autogenerate -m "initial"`): `migrate` adopts this database at that
// revision, its schema being the revision's. Where a note says the database differs,
// adoption converts the database to the models' declaration, after checking that every
// stored value fits it (`db adopt --sql` shows the conversion first).

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(check = "title <> quoted")]
#[model(check = "negative <> 0")]
pub struct Notes {
    #[model(primary_key)]
    pub id: i64,
    #[model(default = "'untitled'", check = "length(title) > 0")]
    pub title: String,
    #[model(default = r#"'say "hi"'"#, check = r#"quoted <> 'a"b'"#)]
    pub quoted: String,
    #[model(default = "'it''s'")]
    pub apostrophe: String,
    #[model(default = r"'C:\temp\'", check = r"backslash NOT LIKE '%\%\%'")]
    pub backslash: String,
    #[model(default = r##"'"#'"##)]
    pub hashes: String,
    #[model(default = "(lower('ABC'))")]
    pub lowered: String,
    #[model(default = "((1 + 2) * 3)")]
    pub nested: Option<i64>,
    #[model(default = "CURRENT_TIMESTAMP")]
    pub created_at: String,
    #[model(default = "CURRENT_TIMESTAMP")]
    pub created_paren: String,
    #[model(default = "-1", check = "negative < 0")]
    pub negative: i64,
    #[model(default = "(- 1)")]
    pub spaced: i64,
    #[model(default = "7")]
    pub commented: i64,
    #[model(default = "0x1F")]
    pub hex: i64,
    #[model(default = "+2.5e3")]
    pub ratio: f64,
    #[model(default = "X'00FF'")]
    pub bytes: Vec<u8>,
    #[model(default = "NULL")]
    pub absent: Option<String>,
    #[model(default = "TRUE")]
    pub yes: i64,
    pub a_column_whose_name_goes_on_long_enough_that_its_field_cannot_stay_on_one_line:
        Option<stillroom::rusqlite::types::Value>,
    #[model(
        default = "'words'",
        check = "wordy IS NULL OR (length(wordy) BETWEEN 3 AND 300 AND wordy NOT LIKE '% %')"
    )]
    pub wordy: Option<String>,
}
