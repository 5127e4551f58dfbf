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
#[model(table = r#"x"y"#)]
pub struct XY {
    #[model(primary_key, check = r#""fn" <> 'a"b'"#)]
    pub r#fn: f64,
    #[model(index, default = "1e3")]
    pub count: f64,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "Ünïcode")]
#[model(index(r#async, stmt, pr_nom))]
#[model(check = r#""prénom" IS NOT NULL OR "stmt" IS NULL"#)]
pub struct NCode {
    #[model(primary_key, column = "prénom", default = "X'00FF'")]
    pub pr_nom: Vec<u8>,
    #[model(column = "UPPER")]
    pub upper: f64,
    pub r#async: Vec<u8>,
    #[model(check = r#"length("stmt") > 0"#)]
    pub stmt: Option<Vec<u8>>,
}
