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
#[model(table = "HTTPLog")]
pub struct HttpLog {
    #[model(primary_key, column = r"back\slash", sql_type = "INT")]
    pub back_slash: i64,
    #[model(column = "1st")]
    pub c_1st: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "ORDERS_archive")]
#[model(primary_key(r#fn, pr_nom))]
#[model(unique(pr_nom, r#type, r#fn, name = "idx_ORDERS_archive_1"))]
#[model(index(pr_nom, r#type))]
#[model(check = r#""fn" IS NOT NULL OR "type" IS NULL"#)]
pub struct OrdersArchive {
    pub r#fn: i64,
    #[model(column = "prénom")]
    pub pr_nom: i64,
    pub r#type: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[allow(clippy::duplicated_attributes, reason = "a field may be named in two lists")]
#[model(primary_key(c_1st, r#fn, r#type))]
#[model(unique(c_1st, r#type, name = "idx_match_0"))]
#[model(unique(r#type, c_1st, name = "idx_match_2"))]
pub struct Match {
    pub r#fn: String,
    #[model(column = "1st")]
    pub c_1st: stillroom::rusqlite::types::Value,
    #[model(index)]
    pub r#type: i64,
}
