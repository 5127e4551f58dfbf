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

// differs: a model cannot declare an unnamed UNIQUE constraint; the one on (`email`) is the unique
// index `uq_accounts_email` here (the same rule)
// differs: a model cannot declare an unnamed UNIQUE constraint; the one on (`org`, `handle`) is the
// unique index `uq_accounts_org_handle` here (the same rule)
#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(strict = false)]
#[model(index(org, name = "uq_clash_k"))]
#[model(unique(org, handle))]
pub struct Accounts {
    #[model(primary_key)]
    pub id: i64,
    #[model(unique)]
    pub email: String,
    pub org: String,
    pub handle: String,
}

// differs: a model cannot declare an unnamed UNIQUE constraint; the one on (`k`) is the unique
// index `uq_clash_k_2` here (the same rule)
#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(strict = false)]
#[model(unique(k, name = "uq_clash_k_2"))]
pub struct Clash {
    #[model(primary_key)]
    pub id: i64,
    pub k: Option<String>,
}

// differs: a model cannot declare an unnamed UNIQUE constraint; the one on (`login`) is the unique
// index `uq_members_login` here (the same rule)
#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(strict = false)]
pub struct Members {
    #[model(primary_key)]
    pub id: i64,
    #[model(unique)]
    pub login: Option<String>,
}

// differs: the unnamed UNIQUE constraint on (`code`) is left out: it repeats a unique index
#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(strict = false)]
pub struct Taken {
    #[model(primary_key)]
    pub id: i64,
    #[model(unique)]
    pub code: Option<String>,
}
