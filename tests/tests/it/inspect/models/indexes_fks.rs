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
#[model(index(parent_id, id, name = "Children By Parent"))]
#[model(index(
    parent_code,
    region,
    version,
    next_id,
    name = "children_by_parent_code_region_version_and_next_so_the_list_wraps"
))]
#[model(unique(version, region, name = "uq_children_region_version"))]
#[model(foreign_key(
    parent_id,
    references = "parents(id)",
    on_delete = "cascade",
    on_update = "restrict"
))]
#[model(foreign_key(
    region,
    version,
    references = "parents(region, version)",
    on_delete = "cascade",
    on_update = "cascade"
))]
pub struct Children {
    #[model(primary_key)]
    pub id: i64,
    #[model(references = "parents(id)")]
    pub parent_id: i64,
    #[model(references = "parents(code)", on_delete = "set null")]
    pub parent_code: Option<String>,
    pub region: Option<String>,
    pub version: Option<i64>,
    #[model(references = "children(id)", on_delete = "set default")]
    pub next_id: Option<i64>,
    #[model(references = "parents(id)")]
    pub implicit: Option<i64>,
    #[model(references = "parents(id)")]
    pub shouted: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(index(version, region, name = "parents_by_version"))]
#[model(unique(code))]
#[model(unique(region, version))]
pub struct Parents {
    #[model(primary_key)]
    pub id: i64,
    #[model(index)]
    pub code: String,
    #[model(index)]
    pub region: String,
    pub version: i64,
}
