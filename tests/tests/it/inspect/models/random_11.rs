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
#[model(primary_key(count, self_))]
#[model(unique(self_, count, name = r#"My Index "0" of jobs"#))]
pub struct Jobs {
    #[model(column = "self", sql_type = "INT")]
    pub self_: i64,
    #[model(column = "Order Date", check = r#"length("Order Date") > 0"#)]
    pub order_date: Option<f64>,
    #[model(sql_type = "INT", default = r"'back\slash'")]
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(unique(upper, name = "idx_t_1"))]
#[model(index(upper, _private, name = "idx_t_2"))]
#[model(check = r#""_private" IS NOT NULL OR "ref__private" IS NULL"#)]
pub struct T {
    #[model(primary_key)]
    pub _private: Vec<u8>,
    #[model(column = "_", index, default = "0x1F", check = r#""_" <> 'a"b'"#)]
    pub column: Option<i64>,
    #[model(column = "UPPER", default = "0", check = r#""UPPER" NOT LIKE '%\%'"#)]
    pub upper: i64,
    #[model(column = "ref__private", references = "t(_private)", on_update = "restrict")]
    pub ref_private: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[allow(clippy::duplicated_attributes, reason = "a field may be named in two lists")]
#[model(table = "Ünïcode")]
#[model(strict = false)]
#[model(index(column, ref_private, name = r#"My Index "0" of Ünïcode"#))]
#[model(unique(column, count, name = r#"My Index "1" of Ünïcode"#))]
#[model(index(column, count, r#type, name = "idx_Ünïcode_2"))]
pub struct NCode {
    #[model(primary_key, sql_type = "CLOB", check = r#"length("where") > 0"#)]
    pub r#where: String,
    // declared DATE (NUMERIC affinity): `String` reads the ISO 8601 text ORMs store; a value that
    // looks like a number (a Unix time) is stored as a number, which it cannot read
    #[model(sql_type = "DATE")]
    pub order_date: Option<String>,
    #[model(column = "_")]
    pub column: i64,
    #[model(sql_type = "FLOAT", default = "'it''s'")]
    pub r#type: f64,
    pub count: bool,
    #[model(
        column = "ref__private",
        references = "t(_private)",
        on_delete = "set null",
        on_update = "set null"
    )]
    pub ref_private: Option<Vec<u8>>,
}
