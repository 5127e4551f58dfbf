//! The application's tables.

use stillroom::Model;

/// A download job.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "job")]
pub(crate) struct Job {
    #[model(primary_key)]
    pub(crate) id: String,
    #[model(default = "'queued'", index)]
    pub(crate) status: String,
    #[model(default = "0")]
    pub(crate) progress: f64,
    #[model(default = "0")]
    pub(crate) downloaded_bytes: i64,
    /// Higher runs first.
    #[model(default = "0", index)]
    pub(crate) priority: i64,
    pub(crate) total_bytes: Option<i64>,
    pub(crate) message: Option<String>,
    pub(crate) result_path: Option<String>,
    #[model(index)]
    pub(crate) created_at: String,
    #[model(index)]
    pub(crate) updated_at: String,
}

/// Whether an episode is available, per language and site.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(
    table = "episodeavailability",
    primary_key(slug, season, episode, language, site)
)]
pub(crate) struct EpisodeAvailability {
    pub(crate) slug: String,
    pub(crate) season: i64,
    pub(crate) episode: i64,
    pub(crate) language: String,
    /// Rows from before sites were tracked all came from this one.
    #[model(default = "'aniworld.to'")]
    pub(crate) site: String,
    pub(crate) available: bool,
    pub(crate) height: Option<i64>,
    pub(crate) codec: Option<String>,
    pub(crate) provider: Option<String>,
    #[model(index)]
    pub(crate) checked_at: String,
    pub(crate) extra: Option<serde_json::Value>,
}

/// A task a download client submitted, tied to the job that serves it.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "clienttask")]
pub(crate) struct ClientTask {
    #[model(primary_key)]
    pub(crate) hash: String,
    /// The release name the client asked for.
    #[model(renamed_from = "name")]
    pub(crate) title: String,
    pub(crate) slug: String,
    pub(crate) season: i64,
    pub(crate) episode: i64,
    pub(crate) language: String,
    #[model(references = "job(id)", on_delete = "set null", index)]
    pub(crate) job_id: Option<String>,
    #[model(default = "'queued'")]
    pub(crate) state: String,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
}
