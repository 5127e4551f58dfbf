//! Every struct and field attribute, on two related tables, checked against
//! the generated schema and used on a real database.

use stillroom::{Action, AutoIncrement, Model, ModelSet, SqlType};

/// `crate = ...` names stillroom through a re-export.
mod reexport {
    // The point of this module: stillroom reached through a re-export.
    #[allow(clippy::single_component_path_imports)]
    pub(super) use stillroom;
}

#[derive(Model, Debug, PartialEq)]
#[model(table = "jobs", strict = true, renamed_from = "old_jobs")]
#[model(
    index(status, created_at, name = "ix_jobs_recent"),
    unique(owner, title)
)]
#[model(check = "progress <= 1.0")]
#[model(crate = reexport::stillroom)]
struct Job {
    #[model(primary_key, autoincrement)]
    id: i64,
    #[model(column = "state", default = "'queued'", renamed_from = "status_text")]
    status: String,
    #[model(default = "0", check = "progress >= 0")]
    progress: f64,
    #[model(index, default = "CURRENT_TIMESTAMP")]
    created_at: String,
    #[model(sql_type = "text")]
    owner: String,
    title: String,
    #[model(unique)]
    slug: String,
    /// Not a column: needs only `Default`, not `ColumnType`.
    #[model(skip)]
    cached_labels: Vec<String>,
}

#[derive(Model, Debug, PartialEq)]
#[model(table = "tasks")]
struct Task {
    #[model(primary_key)]
    name: String,
    #[model(
        references = "jobs(id)",
        on_delete = "cascade",
        on_update = "no action"
    )]
    job_id: i64,
    #[model(
        references = "jobs(slug)",
        on_delete = "SET_NULL",
        on_update = "restrict"
    )]
    job_slug: Option<String>,
    #[model(default = "(lower('PENDING'))")]
    state: String,
}

#[test]
fn all_attributes() -> stillroom::Result<()> {
    let jobs = Job::table();
    assert_eq!(jobs.name, "jobs");
    assert!(jobs.strict);
    assert_eq!(jobs.renamed_from.as_deref(), Some("old_jobs"));
    assert_eq!(jobs.primary_key.columns, ["id"]);
    assert!(jobs.primary_key.autoincrement);
    let names: Vec<&str> = jobs.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "id",
            "state",
            "progress",
            "created_at",
            "owner",
            "title",
            "slug"
        ]
    );
    let state = jobs.column("state").expect("state column");
    assert_eq!(state.default.as_deref(), Some("'queued'"));
    assert_eq!(state.renamed_from.as_deref(), Some("status_text"));
    assert_eq!(
        jobs.column("progress").expect("progress").checks,
        ["progress >= 0"]
    );
    assert_eq!(jobs.column("owner").expect("owner").sql_type, SqlType::Text);
    assert_eq!(jobs.checks, ["progress <= 1.0"]);
    let index = |name: &str| {
        jobs.index(name)
            .unwrap_or_else(|| panic!("no index {name}"))
    };
    assert_eq!(index("ix_jobs_recent").columns, ["state", "created_at"]);
    assert!(!index("ix_jobs_recent").unique);
    assert!(index("uq_jobs_owner_title").unique);
    assert!(!index("ix_jobs_created_at").unique);
    assert!(index("uq_jobs_slug").unique);
    assert_eq!(jobs.indexes.len(), 4);

    let tasks = Task::table();
    assert_eq!(tasks.foreign_keys.len(), 2);
    let fk = &tasks.foreign_keys[0];
    assert_eq!(
        (fk.columns.as_slice(), fk.references_table.as_str()),
        (&["job_id".to_owned()][..], "jobs")
    );
    assert_eq!(
        (fk.on_delete, fk.on_update),
        (Action::Cascade, Action::NoAction)
    );
    let fk = &tasks.foreign_keys[1];
    assert_eq!(fk.references_columns, ["slug"]);
    assert_eq!(
        (fk.on_delete, fk.on_update),
        (Action::SetNull, Action::Restrict)
    );
    assert!(tasks.column("job_slug").expect("job_slug").nullable);

    let schema = ModelSet::new()
        .with::<Job>()
        .with::<Task>()
        .build()
        .expect("a valid schema");
    let conn = rusqlite::Connection::open_in_memory()?;
    stillroom::configure(&conn)?;
    for sql in schema.create_statements() {
        conn.execute(&sql, [])?;
    }

    let mut job = Job {
        id: 0,
        status: "queued".into(),
        progress: 0.0,
        created_at: "2026-11-24T10:00:00Z".into(),
        owner: "ada".into(),
        title: "index".into(),
        slug: "ada-index".into(),
        cached_labels: vec!["not stored".into()],
    };
    let id = job.insert_new(&conn)?;
    assert_eq!(job.id, id);
    let task = Task {
        name: "t1".into(),
        job_id: id,
        job_slug: Some("ada-index".into()),
        state: "pending".into(),
    };
    task.insert(&conn)?;

    let stored = Job::get(&conn, id)?.expect("the job");
    assert!(
        stored.cached_labels.is_empty(),
        "a skipped field reads back as Default"
    );
    assert_eq!(stored.status, "queued");
    assert!(Job::delete_by_key(&conn, id)?);
    assert_eq!(Task::count(&conn)?, 0, "ON DELETE CASCADE removed the task");
    Ok(())
}
