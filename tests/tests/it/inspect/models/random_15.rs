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
#[allow(clippy::duplicated_attributes, reason = "a field may be named in two lists")]
#[model(table = "String")]
#[model(strict = false)]
#[model(index(r#fn, a_b, name = r#"My Index "1" of String"#))]
#[model(unique(ref_gen, r#fn, a_b, name = "idx_String_2"))]
#[model(unique(a_b, r#fn))]
pub struct StringTable {
    // declared STRING (NUMERIC affinity): text that looks like a number is stored as a number, so
    // only `Value` reads every value
    #[model(primary_key, sql_type = "STRING", default = r#"'say "hi"'"#)]
    pub r#fn: stillroom::rusqlite::types::Value,
    // declared NUMERIC (NUMERIC affinity): values are stored as INTEGER or REAL, which `f64` reads;
    // integers beyond 2^53 only approximately (`Value` keeps them exact)
    #[model(sql_type = "NUMERIC")]
    pub a_b: Option<f64>,
    #[model(
        sql_type = "INT",
        references = "a-b(gen)",
        on_delete = "cascade",
        on_update = "restrict"
    )]
    pub ref_gen: i64,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "a-b")]
#[model(index(r#type, r#gen, name = r#"My Index "1" of a-b"#))]
pub struct AB {
    #[model(primary_key, sql_type = "INT", default = r##"'"#'"##)]
    pub r#gen: i64,
    #[model(unique)]
    pub r#type: stillroom::rusqlite::types::Value,
}
