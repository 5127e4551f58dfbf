//! `stillroom::diff` compared on the operations it returns, as values (not
//! SQL), like Alembic's compare tests: one test per kind of change, the
//! refusals that guard against silent data loss, schemas that are equal
//! though spelled differently, the order of a mixed diff, and the `Display`
//! of operations and refusals.
//!
//! Every test uses its own table names so that a failure names its test.

use crate::common::{
    basic, column as col, defaulted as dflt, fk, index, optional as opt, schema, table,
};
use std::error::Error;

use rusqlite::Connection;
use stillroom::{
    Action, Column, DiffOptions, Index, Model, ModelSet, Op, Rebuild, Refused, Schema, SqlType,
    Table, diff, introspect,
};

type TestResult = Result<(), Box<dyn Error>>;

const SAFE: DiffOptions = DiffOptions {
    allow_data_loss: false,
    allow_loss_of: Vec::new(),
};
const LOSSY: DiffOptions = DiffOptions {
    allow_data_loss: true,
    allow_loss_of: Vec::new(),
};

/// `column` with `renamed_from` set.
fn renamed(mut column: Column, from: &str) -> Column {
    column.renamed_from = Some(from.to_owned());
    column
}

/// The schema of an in-memory database built with `sql`.
fn live(sql: &str) -> Result<Schema, Box<dyn Error>> {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch(sql)?;
    Ok(introspect(&conn)?.schema)
}

/// The refusals of a diff that must be refused.
fn refusals(from: &Schema, to: &Schema) -> Result<Vec<String>, Box<dyn Error>> {
    match diff(from, to, SAFE) {
        Ok(d) => Err(format!("expected a refusal, got {:?}", d.ops).into()),
        Err(r) => Ok(r.refusals),
    }
}

/// The rebuild of `from` (the table as it is, after any column renames of
/// the same diff) into `to`.
fn rebuild(from: &Table, to: &Table, reasons: &[&str]) -> Op {
    let mut from = from.clone();
    from.name = to.name.clone();
    Op::RebuildTable(Box::new(Rebuild {
        from,
        to: to.clone(),
        reasons: reasons.iter().map(|r| (*r).to_owned()).collect(),
    }))
}

/// Asserts that `text` contains every one of `parts`.
fn assert_mentions(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "{part:?} is missing from {text:?}");
    }
}

// ---------------------------------------------------------------- tables

#[test]
fn create_tables_parents_before_children() -> TestResult {
    // The child sorts first by name; the parent must still be created first.
    let parent = basic("ct_parent");
    let mut child = table(
        "ct_child",
        &["id"],
        vec![
            col("id", SqlType::Integer),
            col("parent_id", SqlType::Integer),
        ],
    );
    child
        .foreign_keys
        .push(fk(&["parent_id"], "ct_parent", &["id"], Action::Cascade));
    child
        .indexes
        .push(index("ix_ct_child_parent_id", &["parent_id"], false));
    let other = basic("ct_other");

    let d = diff(
        &Schema::default(),
        &schema([child.clone(), other.clone(), parent.clone()])?,
        SAFE,
    )?;
    // The child's index goes with its CreateTable, not as a CreateIndex.
    assert_eq!(
        d.ops,
        [
            Op::CreateTable(other),
            Op::CreateTable(parent),
            Op::CreateTable(child)
        ]
    );
    assert!(d.data_loss.is_empty());
    Ok(())
}

#[test]
fn create_table_referencing_an_existing_table() -> TestResult {
    let parent = basic("cte_parent");
    let mut child = basic("cte_child");
    child.columns.push(opt("parent_id", SqlType::Integer));
    child
        .foreign_keys
        .push(fk(&["parent_id"], "cte_parent", &["id"], Action::SetNull));
    let d = diff(
        &schema([parent.clone()])?,
        &schema([parent, child.clone()])?,
        SAFE,
    )?;
    assert_eq!(d.ops, [Op::CreateTable(child)]);
    Ok(())
}

#[test]
fn drop_tables_children_before_parents_and_only_when_allowed() -> TestResult {
    // The parent sorts first by name; the child must still be dropped first.
    let parent = basic("dt_a_parent");
    let mut child = basic("dt_b_child");
    child.columns.push(col("parent_id", SqlType::Integer));
    child
        .foreign_keys
        .push(fk(&["parent_id"], "dt_a_parent", &["id"], Action::Cascade));
    let kept = basic("dt_c_kept");
    let from = schema([parent.clone(), child.clone(), kept.clone()])?;
    let to = schema([kept])?;

    let refused = refusals(&from, &to)?;
    assert_eq!(refused.len(), 2, "{refused:#?}");
    assert_mentions(
        &refused[0],
        &[
            "table `dt_a_parent`",
            "all its rows",
            "#[model(renamed_from = \"dt_a_parent\")]",
            "--allow-loss-of dt_a_parent`",
        ],
    );
    assert_mentions(
        &refused[1],
        &["table `dt_b_child`", "renamed_from = \"dt_b_child\""],
    );
    assert!(!refused[0].contains("a new table appears"));

    let d = diff(&from, &to, LOSSY)?;
    assert_eq!(d.ops, [Op::DropTable(child), Op::DropTable(parent)]);
    assert_eq!(
        d.data_loss,
        [
            "drops table `dt_a_parent` and all its rows",
            "drops table `dt_b_child` and all its rows"
        ]
    );
    Ok(())
}

#[test]
fn dropped_table_beside_a_new_one_hints_at_a_rename() -> TestResult {
    let from = schema([basic("dtn_old")])?;
    let to = schema([basic("dtn_new")])?;
    let refused = refusals(&from, &to)?;
    assert_eq!(refused.len(), 1, "{refused:#?}");
    assert_mentions(
        &refused[0],
        &[
            "table `dtn_old`",
            "renamed_from = \"dtn_old\"",
            "(a new table appears in the same change)",
        ],
    );
    let d = diff(&from, &to, LOSSY)?;
    assert_eq!(
        d.ops,
        [
            Op::CreateTable(basic("dtn_new")),
            Op::DropTable(basic("dtn_old"))
        ]
    );
    Ok(())
}

#[test]
fn rename_table_with_renamed_from() -> TestResult {
    let mut old = basic("rt_old");
    old.indexes = vec![
        index("ix_rt_old_name", &["name"], false),
        index("rt_name_unique", &["name"], true),
    ];
    let mut child = basic("rt_child");
    child.columns.push(col("owner_id", SqlType::Integer));
    child
        .foreign_keys
        .push(fk(&["owner_id"], "rt_old", &["id"], Action::Cascade));

    let mut new = basic("rt_new");
    new.renamed_from = Some("rt_old".into());
    new.indexes = vec![
        index("ix_rt_new_name", &["name"], false),
        index("rt_name_unique", &["name"], true),
    ];
    // SQLite rewrites the child's REFERENCES itself: no change to the child.
    let mut new_child = child.clone();
    new_child.foreign_keys[0].references_table = "rt_new".into();

    let d = diff(
        &schema([old.clone(), child])?,
        &schema([new.clone(), new_child])?,
        SAFE,
    )?;
    assert_eq!(
        d.ops,
        [
            Op::RenameTable {
                from: "rt_old".into(),
                to: "rt_new".into()
            },
            // The index whose name followed the table's is renamed the only
            // way SQLite can; the explicitly named one is left alone.
            Op::DropIndex {
                table: "rt_new".into(),
                index: old.indexes[0].clone()
            },
            Op::CreateIndex {
                table: "rt_new".into(),
                index: new.indexes[0].clone()
            },
        ]
    );
    assert!(d.data_loss.is_empty());
    Ok(())
}

#[test]
fn renamed_from_is_ignored_while_the_old_name_is_still_a_table() -> TestResult {
    let mut new = basic("rti_new");
    new.renamed_from = Some("rti_old".into());
    let from = schema([basic("rti_old")])?;
    let to = schema([basic("rti_old"), new.clone()])?;
    let d = diff(&from, &to, SAFE)?;
    assert_eq!(d.ops, [Op::CreateTable(new)]);
    Ok(())
}

// --------------------------------------------------------------- columns

#[test]
fn add_nullable_column() -> TestResult {
    let old = basic("anc_t");
    let mut new = old.clone();
    new.columns.push(opt("note", SqlType::Text));
    let d = diff(&schema([old])?, &schema([new])?, SAFE)?;
    assert_eq!(
        d.ops,
        [Op::AddColumn {
            table: "anc_t".into(),
            column: opt("note", SqlType::Text),
            foreign_key: None
        }]
    );
    assert!(d.data_loss.is_empty());
    Ok(())
}

#[test]
fn add_column_with_a_foreign_key_defaulting_to_null() -> TestResult {
    let owner = basic("afk_owner");
    let item = basic("afk_item");
    let mut new_item = item.clone();
    new_item.columns.push(opt("owner_id", SqlType::Integer));
    let key = fk(&["owner_id"], "afk_owner", &["id"], Action::SetNull);
    new_item.foreign_keys.push(key.clone());

    let d = diff(
        &schema([owner.clone(), item])?,
        &schema([owner, new_item])?,
        SAFE,
    )?;
    assert_eq!(
        d.ops,
        [Op::AddColumn {
            table: "afk_item".into(),
            column: opt("owner_id", SqlType::Integer),
            foreign_key: Some(key)
        }]
    );
    Ok(())
}

#[test]
fn add_column_with_a_foreign_key_and_an_explicit_null_default() -> TestResult {
    let owner = basic("afkn_owner");
    let item = basic("afkn_item");
    let mut new_item = item.clone();
    let mut owner_id = opt("owner_id", SqlType::Integer);
    owner_id.default = Some("NULL".into());
    new_item.columns.push(owner_id.clone());
    let key = fk(&["owner_id"], "afkn_owner", &["id"], Action::Cascade);
    new_item.foreign_keys.push(key.clone());

    let d = diff(
        &schema([owner.clone(), item])?,
        &schema([owner, new_item])?,
        SAFE,
    )?;
    assert_eq!(
        d.ops,
        [Op::AddColumn {
            table: "afkn_item".into(),
            column: owner_id,
            foreign_key: Some(key)
        }]
    );
    Ok(())
}

#[test]
fn add_foreign_key_column_with_a_non_null_default_rebuilds() -> TestResult {
    // SQLite: "the column may not have a default of other than NULL" when
    // foreign keys are on and it has REFERENCES.
    let owner = basic("afkd_owner");
    let item = basic("afkd_item");
    let mut new_item = item.clone();
    new_item
        .columns
        .push(dflt("owner_id", SqlType::Integer, "1"));
    new_item
        .foreign_keys
        .push(fk(&["owner_id"], "afkd_owner", &["id"], Action::Cascade));
    let d = diff(
        &schema([owner.clone(), item.clone()])?,
        &schema([owner, new_item.clone()])?,
        SAFE,
    )?;
    let [Op::RebuildTable(r)] = d.ops.as_slice() else {
        return Err(format!("expected one rebuild, got {:?}", d.ops).into());
    };
    assert_eq!(r.to, new_item);
    assert!(
        r.reasons
            .iter()
            .any(|x| x.contains("add column `owner_id`")),
        "{:?}",
        r.reasons
    );
    Ok(())
}

#[test]
fn add_not_null_column_with_a_constant_default() -> TestResult {
    let old = basic("acd_t");
    let mut new = old.clone();
    new.columns.push(dflt("status", SqlType::Text, "'new'"));
    new.columns.push(dflt("tries", SqlType::Integer, "0"));
    let d = diff(&schema([old])?, &schema([new])?, SAFE)?;
    assert_eq!(
        d.ops,
        [
            Op::AddColumn {
                table: "acd_t".into(),
                column: dflt("status", SqlType::Text, "'new'"),
                foreign_key: None
            },
            Op::AddColumn {
                table: "acd_t".into(),
                column: dflt("tries", SqlType::Integer, "0"),
                foreign_key: None
            }
        ]
    );
    assert!(d.data_loss.is_empty());
    Ok(())
}

#[test]
fn add_not_null_column_without_default_is_refused_then_rebuilt() -> TestResult {
    let old = basic("ann_t");
    let mut new = old.clone();
    new.columns.push(col("code", SqlType::Text));
    let (from, to) = (schema([old.clone()])?, schema([new.clone()])?);

    let refused = refusals(&from, &to)?;
    assert_eq!(refused.len(), 1, "{refused:#?}");
    assert_mentions(
        &refused[0],
        &[
            "column `ann_t.code`",
            "NOT NULL without a default",
            "`default = \"...\"`",
            "--allow-loss-of ann_t.code`",
        ],
    );

    let d = diff(&from, &to, LOSSY)?;
    assert_eq!(
        d.ops,
        [rebuild(
            &old,
            &new,
            &["add column `code` (NOT NULL without a default)"]
        )]
    );
    assert_eq!(
        d.data_loss,
        ["adds NOT NULL column `ann_t.code` without a default: fails if the table has rows"]
    );
    Ok(())
}

#[test]
fn add_column_with_a_non_constant_default_rebuilds() -> TestResult {
    for (i, default) in ["CURRENT_TIMESTAMP", "(lower('X'))", "current_date"]
        .into_iter()
        .enumerate()
    {
        let old = basic(&format!("anc{i}_t"));
        let mut new = old.clone();
        new.columns.push(dflt("stamp", SqlType::Text, default));
        let d = diff(&schema([old.clone()])?, &schema([new.clone()])?, SAFE)?;
        assert_eq!(
            d.ops,
            [rebuild(
                &old,
                &new,
                &["add column `stamp` (its default is not a constant)"]
            )],
            "default {default}"
        );
        assert!(d.data_loss.is_empty());
    }
    Ok(())
}

#[test]
fn drop_column_is_refused_then_dropped() -> TestResult {
    let mut old = basic("dc_t");
    old.columns.push(opt("legacy", SqlType::Text));
    let new = basic("dc_t");
    let (from, to) = (schema([old])?, schema([new])?);

    let refused = refusals(&from, &to)?;
    assert_eq!(refused.len(), 1, "{refused:#?}");
    assert_mentions(
        &refused[0],
        &[
            "column `dc_t.legacy`",
            "loses its values",
            "#[model(renamed_from = \"legacy\")]",
            "--allow-loss-of dc_t.legacy`",
        ],
    );

    let d = diff(&from, &to, LOSSY)?;
    assert_eq!(
        d.ops,
        [Op::DropColumn {
            table: "dc_t".into(),
            column: opt("legacy", SqlType::Text)
        }]
    );
    assert_eq!(d.data_loss, ["drops column `dc_t.legacy` and its values"]);
    Ok(())
}

#[test]
fn drop_indexed_column_drops_its_index_first() -> TestResult {
    let mut old = basic("dci_t");
    old.columns.push(opt("legacy", SqlType::Text));
    old.indexes
        .push(index("ix_dci_t_legacy", &["legacy"], false));
    let d = diff(&schema([old.clone()])?, &schema([basic("dci_t")])?, LOSSY)?;
    assert_eq!(
        d.ops,
        [
            Op::DropIndex {
                table: "dci_t".into(),
                index: old.indexes[0].clone()
            },
            Op::DropColumn {
                table: "dci_t".into(),
                column: opt("legacy", SqlType::Text)
            }
        ]
    );
    Ok(())
}

#[test]
fn drop_column_with_its_own_check_is_a_drop_column() -> TestResult {
    // SQLite refuses DROP COLUMN for a column other CHECKs use, not for one
    // whose own CHECK goes with it.
    let mut old = basic("dco_t");
    let mut flag = col("flag", SqlType::Integer);
    flag.checks.push("\"flag\" IN (0, 1)".into());
    old.columns.push(flag.clone());
    let d = diff(&schema([old])?, &schema([basic("dco_t")])?, LOSSY)?;
    assert_eq!(
        d.ops,
        [Op::DropColumn {
            table: "dco_t".into(),
            column: flag
        }]
    );
    Ok(())
}

#[test]
fn drop_column_in_a_foreign_key_rebuilds() -> TestResult {
    let parent = basic("dcf_parent");
    let mut old = basic("dcf_child");
    old.columns.push(opt("parent_id", SqlType::Integer));
    old.foreign_keys
        .push(fk(&["parent_id"], "dcf_parent", &["id"], Action::SetNull));
    let new = basic("dcf_child");
    let from = schema([parent.clone(), old.clone()])?;
    let to = schema([parent, new.clone()])?;
    assert_eq!(refusals(&from, &to)?.len(), 1);
    let d = diff(&from, &to, LOSSY)?;
    assert_eq!(
        d.ops,
        [rebuild(
            &old,
            &new,
            &["drop column `parent_id`", "foreign keys change"]
        )]
    );
    assert_eq!(
        d.data_loss,
        ["drops column `dcf_child.parent_id` and its values"]
    );
    Ok(())
}

#[test]
fn drop_column_in_the_primary_key_rebuilds() -> TestResult {
    let old = table(
        "dcp_t",
        &["a", "b"],
        vec![
            col("a", SqlType::Text),
            col("b", SqlType::Text),
            col("v", SqlType::Real),
        ],
    );
    let new = table(
        "dcp_t",
        &["a"],
        vec![col("a", SqlType::Text), col("v", SqlType::Real)],
    );
    let d = diff(&schema([old.clone()])?, &schema([new.clone()])?, LOSSY)?;
    assert_eq!(
        d.ops,
        [rebuild(
            &old,
            &new,
            &["drop column `b`", "primary key (a, b) -> (a)"]
        )]
    );
    Ok(())
}

#[test]
fn drop_column_in_a_table_check_rebuilds() -> TestResult {
    let mut old = basic("dcc_t");
    old.columns.push(col("lo", SqlType::Integer));
    old.columns.push(col("hi", SqlType::Integer));
    old.checks.push("\"lo\" <= \"hi\"".into());
    let mut new = basic("dcc_t");
    new.columns.push(col("lo", SqlType::Integer));
    let d = diff(&schema([old.clone()])?, &schema([new.clone()])?, LOSSY)?;
    assert_eq!(
        d.ops,
        [rebuild(
            &old,
            &new,
            &["drop column `hi`", "table checks change"]
        )]
    );
    Ok(())
}

#[test]
fn drop_column_named_by_another_columns_check_rebuilds() -> TestResult {
    // The other column's check still names the dropped column in the old
    // table: SQLite's DROP COLUMN would fail.
    let mut old = basic("dcx_t");
    old.columns.push(col("lo", SqlType::Integer));
    let mut hi = col("hi", SqlType::Integer);
    hi.checks.push("\"hi\" >= \"lo\"".into());
    old.columns.push(hi);
    let mut new = basic("dcx_t");
    new.columns.push(col("hi", SqlType::Integer));
    let d = diff(&schema([old.clone()])?, &schema([new.clone()])?, LOSSY)?;
    let [Op::RebuildTable(r)] = d.ops.as_slice() else {
        return Err(format!("expected one rebuild, got {:?}", d.ops).into());
    };
    assert!(
        r.reasons.iter().any(|x| x == "drop column `lo`"),
        "{:?}",
        r.reasons
    );
    Ok(())
}

#[test]
fn rename_column_with_renamed_from_keeps_its_index() -> TestResult {
    let mut old = basic("rc_t");
    old.indexes.push(index("rc_name_idx", &["name"], false));
    let mut new = table(
        "rc_t",
        &["id"],
        vec![
            col("id", SqlType::Integer),
            renamed(col("title", SqlType::Text), "name"),
        ],
    );
    // SQLite rewrites the index's column on rename: same index, new column.
    new.indexes.push(index("rc_name_idx", &["title"], false));
    let d = diff(&schema([old])?, &schema([new])?, SAFE)?;
    assert_eq!(
        d.ops,
        [Op::RenameColumn {
            table: "rc_t".into(),
            from: "name".into(),
            to: "title".into()
        }]
    );
    assert!(d.data_loss.is_empty());
    Ok(())
}

#[test]
fn rename_column_with_a_differently_named_index_moves_the_index() -> TestResult {
    let (old, new) = renamed_column_with_renamed_index();
    let d = diff(&schema([old])?, &schema([new.clone()])?, SAFE)?;
    let summary: Vec<String> = d.ops.iter().map(ToString::to_string).collect();
    assert_eq!(
        summary,
        [
            "drop index `ix_rci_t_name`",
            "rename column `rci_t.name` to `title`",
            "create index `ix_rci_t_title`"
        ]
    );
    assert_eq!(
        d.ops[1..],
        [
            Op::RenameColumn {
                table: "rci_t".into(),
                from: "name".into(),
                to: "title".into()
            },
            Op::CreateIndex {
                table: "rci_t".into(),
                index: new.indexes[0].clone()
            },
        ]
    );
    Ok(())
}

/// `rci_t.name` renamed to `title`, its index `ix_rci_t_name` replaced by
/// `ix_rci_t_title`.
fn renamed_column_with_renamed_index() -> (Table, Table) {
    let mut old = basic("rci_t");
    old.indexes.push(index("ix_rci_t_name", &["name"], false));
    let mut new = table(
        "rci_t",
        &["id"],
        vec![
            col("id", SqlType::Integer),
            renamed(col("title", SqlType::Text), "name"),
        ],
    );
    new.indexes.push(index("ix_rci_t_title", &["title"], false));
    (old, new)
}

#[test]
fn dropped_index_of_a_renamed_column_is_as_it_was() -> TestResult {
    let (old, new) = renamed_column_with_renamed_index();
    let d = diff(&schema([old.clone()])?, &schema([new])?, SAFE)?;
    assert_eq!(
        d.ops.first(),
        Some(&Op::DropIndex {
            table: "rci_t".into(),
            index: old.indexes[0].clone()
        })
    );
    Ok(())
}

#[test]
fn rename_column_named_in_a_table_check() -> TestResult {
    // SQLite respells the column inside the table's CHECK on rename.
    let mut old = basic("rct_t");
    old.columns.push(col("lo", SqlType::Integer));
    old.columns.push(col("hi", SqlType::Integer));
    old.checks.push("\"lo\" <= \"hi\"".into());
    let mut new = basic("rct_t");
    new.columns
        .push(renamed(col("low", SqlType::Integer), "lo"));
    new.columns.push(col("hi", SqlType::Integer));
    new.checks.push("\"low\" <= \"hi\"".into());
    let d = diff(&schema([old])?, &schema([new])?, SAFE)?;
    assert_eq!(
        d.ops,
        [Op::RenameColumn {
            table: "rct_t".into(),
            from: "lo".into(),
            to: "low".into()
        }]
    );
    Ok(())
}

#[test]
fn rename_column_with_its_own_check() -> TestResult {
    // SQLite respells the column inside its own CHECK on rename, so the
    // renamed column's check is unchanged: no rebuild.
    let mut old = basic("rcc_t");
    let mut flag = col("flag", SqlType::Integer);
    flag.checks.push("\"flag\" IN (0, 1)".into());
    old.columns.push(flag);
    let mut new = basic("rcc_t");
    let mut done = renamed(col("done", SqlType::Integer), "flag");
    done.checks.push("\"done\" IN (0, 1)".into());
    new.columns.push(done);
    let d = diff(&schema([old])?, &schema([new])?, SAFE)?;
    assert_eq!(
        d.ops,
        [Op::RenameColumn {
            table: "rcc_t".into(),
            from: "flag".into(),
            to: "done".into()
        }]
    );
    Ok(())
}

#[test]
fn referenced_key_column_rename_needs_no_change_to_the_child() -> TestResult {
    let parent = table("rck_parent", &["code"], vec![col("code", SqlType::Text)]);
    let mut child = basic("rck_child");
    child.columns.push(col("parent_code", SqlType::Text));
    child.foreign_keys.push(fk(
        &["parent_code"],
        "rck_parent",
        &["code"],
        Action::Cascade,
    ));
    let new_parent = table(
        "rck_parent",
        &["key"],
        vec![renamed(col("key", SqlType::Text), "code")],
    );
    let mut new_child = child.clone();
    new_child.foreign_keys[0].references_columns = vec!["key".into()];
    let d = diff(
        &schema([parent, child])?,
        &schema([new_parent, new_child])?,
        SAFE,
    )?;
    assert_eq!(
        d.ops,
        [Op::RenameColumn {
            table: "rck_parent".into(),
            from: "code".into(),
            to: "key".into()
        }]
    );
    Ok(())
}

#[test]
fn ambiguous_rename_is_refused_and_points_to_renamed_from() -> TestResult {
    let mut old = basic("ar_t");
    old.columns.push(opt("old_name", SqlType::Text));
    let mut new = basic("ar_t");
    new.columns.push(opt("new_name", SqlType::Text));
    let (from, to) = (schema([old])?, schema([new])?);

    let refused = refusals(&from, &to)?;
    assert_eq!(refused.len(), 1, "{refused:#?}");
    assert_mentions(
        &refused[0],
        &[
            "table `ar_t`",
            "column `old_name` is gone",
            "column `new_name` (TEXT) is new",
            "#[model(renamed_from = \"old_name\")]",
            "field `new_name`",
            "--allow-loss-of ar_t.old_name`",
        ],
    );

    // Allowed, it is what it says: a drop and an add.
    let d = diff(&from, &to, LOSSY)?;
    assert_eq!(
        d.ops,
        [
            Op::DropColumn {
                table: "ar_t".into(),
                column: opt("old_name", SqlType::Text)
            },
            Op::AddColumn {
                table: "ar_t".into(),
                column: opt("new_name", SqlType::Text),
                foreign_key: None
            }
        ]
    );
    assert_eq!(d.data_loss, ["drops column `ar_t.old_name` and its values"]);
    Ok(())
}

#[test]
fn column_swap_of_another_type_is_only_a_drop() -> TestResult {
    let mut old = basic("ard_t");
    old.columns.push(opt("old_name", SqlType::Text));
    let mut new = basic("ard_t");
    new.columns.push(opt("count", SqlType::Integer));
    let refused = refusals(&schema([old])?, &schema([new])?)?;
    assert_eq!(refused.len(), 1, "{refused:#?}");
    assert_mentions(
        &refused[0],
        &["column `ard_t.old_name` has no field any more"],
    );
    assert!(!refused[0].contains("is new"), "{}", refused[0]);
    Ok(())
}

#[test]
fn narrowing_type_change_is_refused_then_rebuilt() -> TestResult {
    let mut old = basic("tcn_t");
    old.columns.push(col("n", SqlType::Text));
    let mut new = basic("tcn_t");
    new.columns.push(col("n", SqlType::Integer));
    let (from, to) = (schema([old.clone()])?, schema([new.clone()])?);

    let refused = refusals(&from, &to)?;
    assert_eq!(refused.len(), 1, "{refused:#?}");
    assert_mentions(
        &refused[0],
        &["`tcn_t.n` from TEXT to INTEGER", "--allow-loss-of tcn_t.n`"],
    );

    let d = diff(&from, &to, LOSSY)?;
    assert_eq!(d.ops, [rebuild(&old, &new, &["`n` type TEXT -> INTEGER"])]);
    assert_eq!(
        d.data_loss,
        ["changes `tcn_t.n` from TEXT to INTEGER: values that do not convert are lost or fail"]
    );
    Ok(())
}

#[test]
fn widening_type_change_rebuilds_without_refusal() -> TestResult {
    let mut old = basic("tcw_t");
    old.columns.push(col("n", SqlType::Integer));
    let mut new = basic("tcw_t");
    new.columns.push(col("n", SqlType::Text));
    let d = diff(&schema([old.clone()])?, &schema([new.clone()])?, SAFE)?;
    assert_eq!(d.ops, [rebuild(&old, &new, &["`n` type INTEGER -> TEXT"])]);
    assert!(d.data_loss.is_empty());
    Ok(())
}

#[test]
fn nullable_to_not_null_is_refused_then_rebuilt() -> TestResult {
    let mut old = basic("nn_t");
    old.columns.push(opt("note", SqlType::Text));
    let mut new = basic("nn_t");
    new.columns.push(col("note", SqlType::Text));
    let (from, to) = (schema([old.clone()])?, schema([new.clone()])?);

    let refused = refusals(&from, &to)?;
    assert_eq!(refused.len(), 1, "{refused:#?}");
    assert_mentions(
        &refused[0],
        &["making `nn_t.note` NOT NULL", "keep it an `Option`"],
    );

    let d = diff(&from, &to, LOSSY)?;
    assert_eq!(d.ops, [rebuild(&old, &new, &["`note` becomes NOT NULL"])]);
    assert_eq!(
        d.data_loss,
        ["makes `nn_t.note` NOT NULL: the migration fails if any row holds NULL"]
    );
    Ok(())
}

#[test]
fn nullable_to_not_null_with_a_default_says_what_nulls_become() -> TestResult {
    let mut old = basic("nnd_t");
    old.columns.push(opt("note", SqlType::Text));
    let mut new = basic("nnd_t");
    new.columns.push(dflt("note", SqlType::Text, "''"));
    let d = diff(&schema([old.clone()])?, &schema([new.clone()])?, LOSSY)?;
    assert_eq!(
        d.ops,
        [rebuild(
            &old,
            &new,
            &["`note` becomes NOT NULL", "`note` default changes"]
        )]
    );
    assert_eq!(
        d.data_loss,
        ["makes `nnd_t.note` NOT NULL: its NULLs become ''"]
    );
    Ok(())
}

#[test]
fn not_null_to_nullable_rebuilds_without_refusal() -> TestResult {
    let mut old = basic("nl_t");
    old.columns.push(col("note", SqlType::Text));
    let mut new = basic("nl_t");
    new.columns.push(opt("note", SqlType::Text));
    let d = diff(&schema([old.clone()])?, &schema([new.clone()])?, SAFE)?;
    assert_eq!(d.ops, [rebuild(&old, &new, &["`note` becomes nullable"])]);
    assert!(d.data_loss.is_empty());
    Ok(())
}

#[test]
fn default_change_rebuilds() -> TestResult {
    let mut old = basic("dfc_t");
    old.columns.push(dflt("status", SqlType::Text, "'a'"));
    let mut new = basic("dfc_t");
    new.columns.push(dflt("status", SqlType::Text, "'b'"));
    let d = diff(&schema([old.clone()])?, &schema([new.clone()])?, SAFE)?;
    assert_eq!(d.ops, [rebuild(&old, &new, &["`status` default changes"])]);
    assert!(d.data_loss.is_empty());
    Ok(())
}

#[test]
fn column_check_change_rebuilds() -> TestResult {
    let mut old = basic("ckc_t");
    let mut n = col("n", SqlType::Integer);
    n.checks.push("\"n\" >= 0".into());
    old.columns.push(n.clone());
    let mut new = basic("ckc_t");
    n.checks = vec!["\"n\" > 0".into()];
    new.columns.push(n);
    let d = diff(&schema([old.clone()])?, &schema([new.clone()])?, SAFE)?;
    assert_eq!(d.ops, [rebuild(&old, &new, &["`n` checks change"])]);
    Ok(())
}

#[test]
fn table_check_change_rebuilds() -> TestResult {
    let mut old = basic("tck_t");
    old.checks.push("\"id\" > 0".into());
    let mut new = basic("tck_t");
    new.checks.push("\"id\" > 10".into());
    let d = diff(&schema([old.clone()])?, &schema([new.clone()])?, SAFE)?;
    assert_eq!(d.ops, [rebuild(&old, &new, &["table checks change"])]);
    Ok(())
}

// ------------------------------------------------------- table-level changes

#[test]
fn primary_key_change_rebuilds() -> TestResult {
    let columns = vec![
        col("slug", SqlType::Text),
        col("season", SqlType::Integer),
        col("episode", SqlType::Integer),
    ];
    let old = table("pk_t", &["slug", "season"], columns.clone());
    let new = table("pk_t", &["slug", "season", "episode"], columns);
    let d = diff(&schema([old.clone()])?, &schema([new.clone()])?, SAFE)?;
    assert_eq!(
        d.ops,
        [rebuild(
            &old,
            &new,
            &["primary key (slug, season) -> (slug, season, episode)"]
        )]
    );
    Ok(())
}

#[test]
fn autoincrement_change_rebuilds() -> TestResult {
    let old = basic("aic_t");
    let mut new = basic("aic_t");
    new.primary_key.autoincrement = true;
    let d = diff(&schema([old.clone()])?, &schema([new.clone()])?, SAFE)?;
    assert_eq!(d.ops, [rebuild(&old, &new, &["AUTOINCREMENT changes"])]);
    Ok(())
}

#[test]
fn foreign_key_added_to_an_existing_column_rebuilds() -> TestResult {
    let parent = basic("fka_parent");
    let mut old = basic("fka_child");
    old.columns.push(opt("parent_id", SqlType::Integer));
    let mut new = old.clone();
    new.foreign_keys
        .push(fk(&["parent_id"], "fka_parent", &["id"], Action::NoAction));
    let d = diff(
        &schema([parent.clone(), old.clone()])?,
        &schema([parent, new.clone()])?,
        SAFE,
    )?;
    assert_eq!(d.ops, [rebuild(&old, &new, &["foreign keys change"])]);
    Ok(())
}

#[test]
fn foreign_key_target_change_rebuilds() -> TestResult {
    let a = basic("fkt_a");
    let b = basic("fkt_b");
    let mut old = basic("fkt_child");
    old.columns.push(opt("ref_id", SqlType::Integer));
    old.foreign_keys
        .push(fk(&["ref_id"], "fkt_a", &["id"], Action::NoAction));
    let mut new = old.clone();
    new.foreign_keys[0].references_table = "fkt_b".into();
    let d = diff(
        &schema([a.clone(), b.clone(), old.clone()])?,
        &schema([a, b, new.clone()])?,
        SAFE,
    )?;
    assert_eq!(d.ops, [rebuild(&old, &new, &["foreign keys change"])]);
    Ok(())
}

#[test]
fn on_delete_change_rebuilds() -> TestResult {
    let parent = basic("fkd_parent");
    let mut old = basic("fkd_child");
    old.columns.push(opt("parent_id", SqlType::Integer));
    old.foreign_keys
        .push(fk(&["parent_id"], "fkd_parent", &["id"], Action::Cascade));
    let mut new = old.clone();
    new.foreign_keys[0].on_delete = Action::SetNull;
    let d = diff(
        &schema([parent.clone(), old.clone()])?,
        &schema([parent, new.clone()])?,
        SAFE,
    )?;
    assert_eq!(d.ops, [rebuild(&old, &new, &["foreign keys change"])]);
    Ok(())
}

#[test]
fn strict_on_and_off_rebuilds() -> TestResult {
    let strict = basic("st_t");
    let mut plain = basic("st_t");
    plain.strict = false;
    let d = diff(&schema([strict.clone()])?, &schema([plain.clone()])?, SAFE)?;
    assert_eq!(d.ops, [rebuild(&strict, &plain, &["stops being STRICT"])]);
    let d = diff(&schema([plain.clone()])?, &schema([strict.clone()])?, SAFE)?;
    assert_eq!(d.ops, [rebuild(&plain, &strict, &["becomes STRICT"])]);
    Ok(())
}

#[test]
fn rename_and_rebuild_reasons_say_everything() -> TestResult {
    let mut old = basic("rr_t");
    old.columns.push(col("n", SqlType::Integer));
    old.columns.push(opt("gone", SqlType::Blob));
    let mut new = table(
        "rr_t",
        &["id"],
        vec![
            col("id", SqlType::Integer),
            renamed(col("title", SqlType::Text), "name"),
            col("n", SqlType::Text),
            opt("extra", SqlType::Real),
        ],
    );
    new.strict = false;
    let mut renamed_old = old.clone();
    renamed_old.columns[1].name = "title".into();
    let d = diff(&schema([old])?, &schema([new.clone()])?, LOSSY)?;
    assert_eq!(
        d.ops,
        [
            // Renamed natively first, so SQLite respells every reference.
            Op::RenameColumn {
                table: "rr_t".into(),
                from: "name".into(),
                to: "title".into()
            },
            rebuild(
                &renamed_old,
                &new,
                &[
                    "`n` type INTEGER -> TEXT",
                    "stops being STRICT",
                    "add column `extra`",
                    "drop column `gone`",
                ]
            )
        ]
    );
    assert_eq!(d.data_loss, ["drops column `rr_t.gone` and its values"]);
    Ok(())
}

// ---------------------------------------------------------------- indexes

#[test]
fn index_added() -> TestResult {
    let old = basic("ixa_t");
    let mut new = basic("ixa_t");
    new.indexes.push(index("ix_ixa_t_name", &["name"], false));
    let d = diff(&schema([old])?, &schema([new.clone()])?, SAFE)?;
    assert_eq!(
        d.ops,
        [Op::CreateIndex {
            table: "ixa_t".into(),
            index: new.indexes[0].clone()
        }]
    );
    Ok(())
}

#[test]
fn index_removed() -> TestResult {
    let mut old = basic("ixr_t");
    old.indexes.push(index("ix_ixr_t_name", &["name"], false));
    let d = diff(&schema([old.clone()])?, &schema([basic("ixr_t")])?, SAFE)?;
    assert_eq!(
        d.ops,
        [Op::DropIndex {
            table: "ixr_t".into(),
            index: old.indexes[0].clone()
        }]
    );
    // Dropping an index loses no data.
    assert!(d.data_loss.is_empty());
    Ok(())
}

#[test]
fn index_columns_changed() -> TestResult {
    let mut old = basic("ixc_t");
    old.columns.push(col("at", SqlType::Text));
    let mut new = old.clone();
    old.indexes.push(index("ix_ixc", &["name", "at"], false));
    new.indexes.push(index("ix_ixc", &["at", "name"], false));
    let d = diff(&schema([old.clone()])?, &schema([new.clone()])?, SAFE)?;
    assert_eq!(
        d.ops,
        [
            Op::DropIndex {
                table: "ixc_t".into(),
                index: old.indexes[0].clone()
            },
            Op::CreateIndex {
                table: "ixc_t".into(),
                index: new.indexes[0].clone()
            }
        ]
    );
    Ok(())
}

#[test]
fn index_unique_toggled() -> TestResult {
    let mut plain = basic("ixu_t");
    plain.indexes.push(index("ix_ixu", &["name"], false));
    let mut unique = basic("ixu_t");
    unique.indexes.push(index("ix_ixu", &["name"], true));
    let d = diff(&schema([plain.clone()])?, &schema([unique.clone()])?, SAFE)?;
    assert_eq!(
        d.ops,
        [
            Op::DropIndex {
                table: "ixu_t".into(),
                index: plain.indexes[0].clone()
            },
            Op::CreateIndex {
                table: "ixu_t".into(),
                index: unique.indexes[0].clone()
            }
        ]
    );
    let d = diff(&schema([unique.clone()])?, &schema([plain.clone()])?, SAFE)?;
    assert_eq!(
        d.ops,
        [
            Op::DropIndex {
                table: "ixu_t".into(),
                index: unique.indexes[0].clone()
            },
            Op::CreateIndex {
                table: "ixu_t".into(),
                index: plain.indexes[0].clone()
            }
        ]
    );
    Ok(())
}

#[test]
fn multi_column_unique_index_added() -> TestResult {
    let mut old = basic("ixm_t");
    old.columns.push(col("site", SqlType::Text));
    let mut new = old.clone();
    new.indexes
        .push(index("uq_ixm_t_site_name", &["site", "name"], true));
    let d = diff(&schema([old])?, &schema([new])?, SAFE)?;
    assert_eq!(
        d.ops,
        [Op::CreateIndex {
            table: "ixm_t".into(),
            index: Index {
                name: "uq_ixm_t_site_name".into(),
                columns: vec!["site".into(), "name".into()],
                unique: true
            }
        }]
    );
    Ok(())
}

#[test]
fn index_on_a_new_column_comes_after_the_column() -> TestResult {
    let old = basic("ixn_t");
    let mut new = old.clone();
    new.columns.push(opt("at", SqlType::Text));
    new.indexes.push(index("ix_ixn_t_at", &["at"], false));
    let d = diff(&schema([old])?, &schema([new.clone()])?, SAFE)?;
    assert_eq!(
        d.ops,
        [
            Op::AddColumn {
                table: "ixn_t".into(),
                column: opt("at", SqlType::Text),
                foreign_key: None
            },
            Op::CreateIndex {
                table: "ixn_t".into(),
                index: new.indexes[0].clone()
            }
        ]
    );
    Ok(())
}

// ----------------------------------------------- equal, spelled differently

#[test]
fn equal_schemas_give_no_ops() -> TestResult {
    let parent = basic("eq_parent");
    let mut child = basic("eq_child");
    child.columns.push(opt("parent_id", SqlType::Integer));
    child
        .foreign_keys
        .push(fk(&["parent_id"], "eq_parent", &["id"], Action::Cascade));
    child
        .indexes
        .push(index("ix_eq_child_name", &["name"], true));
    let s = schema([parent, child])?;
    for options in [SAFE, LOSSY] {
        let d = diff(&s, &s, options)?;
        assert!(d.is_empty(), "{:?}", d.ops);
        assert!(d.data_loss.is_empty());
    }
    assert!(diff(&Schema::default(), &Schema::default(), SAFE)?.is_empty());
    Ok(())
}

/// The models of the spelling test (their table names are this file's own).
#[derive(Model)]
#[model(table = "sp_parent")]
struct SpParent {
    #[model(primary_key)]
    id: i64,
    name: String,
}

#[derive(Model)]
#[model(table = "sp_child", check = "\"lo\" <= \"hi\"")]
#[model(unique(parent_id, label))]
struct SpChild {
    #[model(primary_key)]
    id: i64,
    #[model(references = "sp_parent(id)", on_delete = "cascade")]
    parent_id: Option<i64>,
    #[model(default = "'x'")]
    label: String,
    #[model(default = "CURRENT_TIMESTAMP")]
    created_at: String,
    #[model(index)]
    lo: i64,
    #[model(check = "\"hi\" >= 0")]
    hi: i64,
    done: bool,
}

#[test]
fn equal_schemas_spelled_differently_give_no_ops() -> TestResult {
    // Different spacing and keyword case in defaults and CHECKs, different
    // column order, different identifier case, `REFERENCES parent` without
    // columns, `DEFAULT NULL` spelled out. Quoted identifiers in checks, as
    // the models write them.
    let from = live(
        "CREATE TABLE SP_PARENT (Name text NOT NULL, ID integer not null primary key) strict;
         create table Sp_Child (
             DONE integer not null check(\"done\"  in (0,1)),
             hi INTEGER NOT NULL CHECK ( \"hi\">=0 ),
             Label text not null default   'x',
             created_at TEXT not null DEFAULT current_timestamp,
             id integer not null primary key,
             parent_ID integer default null references sp_parent on delete cascade,
             lo integer not null,
             check (\"lo\"<=\"hi\")
         ) strict;
         create index IX_SP_CHILD_LO on sp_child (LO);
         create unique index uq_sp_child_parent_id_label on SP_CHILD (Parent_Id, LABEL);",
    )?;
    let to = ModelSet::new()
        .with::<SpChild>()
        .with::<SpParent>()
        .build()?;
    for options in [SAFE, LOSSY] {
        let d = diff(&from, &to, options)?;
        assert_eq!(d.ops, [], "from {from:#?}");
    }
    Ok(())
}

#[derive(Model)]
#[model(table = "spd_t")]
struct SpdT {
    #[model(primary_key)]
    id: i64,
    #[model(default = "(lower('A'))")]
    code: String,
}

#[test]
fn parenthesised_default_round_trips_through_a_database() -> TestResult {
    let to = ModelSet::new().with::<SpdT>().build()?;
    let conn = Connection::open_in_memory()?;
    for sql in to.create_statements() {
        conn.execute_batch(&sql)?;
    }
    let from = introspect(&conn)?.schema;
    assert_eq!(diff(&from, &to, SAFE)?.ops, []);
    // However it is spelled in the database.
    let from = live(
        "create table spd_t (id integer not null primary key, code text not null default ( LOWER( 'A' ) )) strict",
    )?;
    assert_eq!(diff(&from, &to, SAFE)?.ops, []);
    Ok(())
}

#[derive(Model)]
#[model(table = "spb_t")]
struct SpbT {
    #[model(primary_key)]
    id: i64,
    done: bool,
}

#[test]
fn bare_and_quoted_identifiers_in_checks_compare_equal() -> TestResult {
    let from = live(
        "create table spb_t (id integer not null primary key, done integer not null check(done  in (0,1))) strict;",
    )?;
    let to = ModelSet::new().with::<SpbT>().build()?;
    let d = diff(&from, &to, SAFE)?;
    assert_eq!(d.ops, []);
    Ok(())
}

#[test]
fn model_schema_round_trips_through_a_database() -> TestResult {
    let to = ModelSet::new()
        .with::<SpChild>()
        .with::<SpParent>()
        .build()?;
    let conn = Connection::open_in_memory()?;
    for sql in to.create_statements() {
        conn.execute_batch(&sql)?;
    }
    let from = introspect(&conn)?.schema;
    assert_eq!(diff(&from, &to, SAFE)?.ops, []);
    assert_eq!(diff(&to, &from, SAFE)?.ops, []);
    Ok(())
}

// ------------------------------------------------ order and determinism

/// A mixed change: a table renamed, one altered in place (an index dropped,
/// a column added, an index created), one rebuilt, one created, one dropped.
fn mixed() -> Result<(Schema, Schema), Box<dyn Error>> {
    let renamed_old = basic("mx_old");
    let mut renamed_new = basic("mx_renamed");
    renamed_new.renamed_from = Some("mx_old".into());

    let mut altered = basic("mx_altered");
    altered
        .indexes
        .push(index("ix_mx_altered_name", &["name"], false));
    let mut altered_new = basic("mx_altered");
    altered_new.columns.push(opt("at", SqlType::Text));
    altered_new
        .indexes
        .push(index("ix_mx_altered_at", &["at"], false));

    let mut rebuilt = basic("mx_rebuilt");
    rebuilt.columns.push(col("n", SqlType::Integer));
    let mut rebuilt_new = basic("mx_rebuilt");
    rebuilt_new.columns.push(col("n", SqlType::Text));

    let from = schema([
        renamed_old,
        altered,
        rebuilt,
        basic("mx_gone"),
        basic("mx_a_gone_too"),
    ])?;
    let to = schema([renamed_new, altered_new, rebuilt_new, basic("mx_new")])?;
    Ok((from, to))
}

#[test]
fn mixed_diff_runs_in_order() -> TestResult {
    let (from, to) = mixed()?;
    let d = diff(&from, &to, LOSSY)?;
    let summary: Vec<String> = d.ops.iter().map(ToString::to_string).collect();
    assert_eq!(
        summary,
        [
            "rename table `mx_old` to `mx_renamed`",
            "drop index `ix_mx_altered_name`",
            "add column `mx_altered.at`",
            "rebuild table `mx_rebuilt` (`n` type INTEGER -> TEXT)",
            "create table `mx_new`",
            "create index `ix_mx_altered_at`",
            // No references between them: reverse name order.
            "drop table `mx_gone`",
            "drop table `mx_a_gone_too`",
        ]
    );
    assert_eq!(
        d.data_loss,
        [
            "drops table `mx_a_gone_too` and all its rows",
            "drops table `mx_gone` and all its rows"
        ]
    );
    Ok(())
}

#[test]
fn diff_is_deterministic() -> TestResult {
    let (from, to) = mixed()?;
    let first = diff(&from, &to, LOSSY)?;
    let second = diff(&from, &to, LOSSY)?;
    assert_eq!(first, second);
    // The same tables given in another order make the same schema.
    let (from2, to2) = mixed()?;
    let reversed_from = schema(from2.tables().iter().rev().cloned())?;
    let reversed_to = schema(to2.tables().iter().rev().cloned())?;
    assert_eq!(diff(&reversed_from, &reversed_to, LOSSY)?, first);
    // Refusals too.
    assert_eq!(diff(&from, &to, SAFE), diff(&from, &to, SAFE));
    Ok(())
}

// ---------------------------------------------------------------- display

#[test]
fn ops_display() {
    let t = basic("disp_t");
    let ix = index("ix_disp", &["name"], false);
    let cases: Vec<(Op, &str, &str)> = vec![
        (
            Op::CreateTable(t.clone()),
            "create table `disp_t`",
            "disp_t",
        ),
        (Op::DropTable(t.clone()), "drop table `disp_t`", "disp_t"),
        (
            Op::RenameTable {
                from: "a".into(),
                to: "b".into(),
            },
            "rename table `a` to `b`",
            "b",
        ),
        (
            Op::AddColumn {
                table: "disp_t".into(),
                column: opt("note", SqlType::Text),
                foreign_key: None,
            },
            "add column `disp_t.note`",
            "disp_t",
        ),
        (
            Op::DropColumn {
                table: "disp_t".into(),
                column: opt("note", SqlType::Text),
            },
            "drop column `disp_t.note`",
            "disp_t",
        ),
        (
            Op::RenameColumn {
                table: "disp_t".into(),
                from: "a".into(),
                to: "b".into(),
            },
            "rename column `disp_t.a` to `b`",
            "disp_t",
        ),
        (
            Op::CreateIndex {
                table: "disp_t".into(),
                index: ix.clone(),
            },
            "create index `ix_disp`",
            "disp_t",
        ),
        (
            Op::DropIndex {
                table: "disp_t".into(),
                index: ix,
            },
            "drop index `ix_disp`",
            "disp_t",
        ),
        (
            rebuild(&t, &t, &["first reason", "second"]),
            "rebuild table `disp_t` (first reason; second)",
            "disp_t",
        ),
    ];
    for (op, shown, table) in cases {
        assert_eq!(op.to_string(), shown);
        assert_eq!(op.table(), table);
    }
}

#[test]
fn refused_display_lists_every_refusal() -> TestResult {
    let r = Refused {
        refusals: vec!["first".into(), "second".into()],
    };
    assert_eq!(
        r.to_string(),
        "the migration would lose data, so it was not generated:\n  - first\n  - second"
    );

    // A real diff with several refusals: each is one line of the message.
    let mut old = basic("rd_t");
    old.columns.push(opt("gone", SqlType::Blob));
    old.columns.push(col("n", SqlType::Text));
    let mut new = basic("rd_t");
    new.columns.push(col("n", SqlType::Integer));
    new.columns.push(col("code", SqlType::Text));
    let from = schema([old, basic("rd_dropped")])?;
    let to = schema([new])?;
    let Err(refused) = diff(&from, &to, SAFE) else {
        return Err("expected a refusal".into());
    };
    assert_eq!(refused.refusals.len(), 4, "{:#?}", refused.refusals);
    let shown = refused.to_string();
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(
        lines[0],
        "the migration would lose data, so it was not generated:"
    );
    assert_eq!(lines.len(), 1 + refused.refusals.len());
    for (line, refusal) in lines[1..].iter().zip(&refused.refusals) {
        assert_eq!(*line, format!("  - {refusal}"));
    }
    // The error converts like any other.
    let boxed: Box<dyn Error> = Box::new(refused);
    assert!(boxed.to_string().contains("rd_dropped"));
    Ok(())
}
