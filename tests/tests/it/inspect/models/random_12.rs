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
#[model(table = "2fa")]
#[model(index(a_b, count, name = "idx_2fa_1"))]
pub struct T2fa {
    #[model(primary_key, index, default = "1e3")]
    pub count: f64,
    #[model(column = "a b")]
    pub a_b: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "a-b")]
#[model(index(upper, a_b, name = "idx_a-b_0"))]
#[model(check = r#""UPPER" IS NOT NULL OR "a_b" IS NULL"#)]
pub struct AB {
    #[model(primary_key, column = "UPPER", default = "''", check = r#""UPPER" <> 'a"b'"#)]
    pub upper: String,
    #[model(default = "x''")]
    pub a_b: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(index(r#type, ref_gen, name = r#"My Index "0" of jobs"#))]
pub struct Jobs {
    #[model(primary_key, sql_type = "INT")]
    pub r#gen: i64,
    #[model(default = "x''", check = r#""async" <> 'a"b'"#)]
    pub r#async: Option<Vec<u8>>,
    #[model(default = "-0.25")]
    pub r#type: f64,
    #[model(column = r#"x"q"#, sql_type = "INT", default = r##"'"#'"##)]
    pub x_q: Option<bool>,
    #[model(
        sql_type = "INT",
        references = "jobs(gen)",
        on_delete = "set default",
        on_update = "set null"
    )]
    pub ref_gen: Option<i64>,
}
