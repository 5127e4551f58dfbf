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
#[model(strict = false)]
#[model(unique(upper, name = "idx_jobs_1"))]
pub struct Jobs {
    #[model(
        primary_key,
        column = "UPPER",
        index,
        default = r##"'"#'"##,
        check = r#""UPPER" NOT LIKE '%\%'"#
    )]
    pub upper: String,
    #[model(references = "jobs(UPPER)", on_delete = "set default", on_update = "set null")]
    pub ref_upper: Option<String>,
}
