//! The application's tables.

use stillroom::Model;

/// A download job.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "job")]
pub struct Job {
    #[model(primary_key)]
    pub id: String,
    #[model(default = "'queued'", index)]
    pub status: String,
    #[model(default = "0")]
    pub progress: f64,
    #[model(default = "0")]
    pub downloaded_bytes: i64,
    /// Higher runs first.
    #[model(default = "0", index)]
    pub priority: i64,
    pub total_bytes: Option<i64>,
    pub message: Option<String>,
    pub result_path: Option<String>,
    #[model(index)]
    pub created_at: String,
    #[model(index)]
    pub updated_at: String,
}

/// Whether an episode is available, per language and site.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(
    table = "episodeavailability",
    primary_key(slug, season, episode, language, site)
)]
pub struct EpisodeAvailability {
    pub slug: String,
    pub season: i64,
    pub episode: i64,
    pub language: String,
    /// Rows from before sites were tracked all came from this one.
    #[model(default = "'aniworld.to'")]
    pub site: String,
    pub available: bool,
    pub height: Option<i64>,
    pub codec: Option<String>,
    pub provider: Option<String>,
    #[model(index)]
    pub checked_at: String,
    pub extra: Option<serde_json::Value>,
}

/// A task a download client submitted, tied to the job that serves it.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "clienttask")]
pub struct ClientTask {
    #[model(primary_key)]
    pub hash: String,
    /// The release name the client asked for.
    #[model(renamed_from = "name")]
    pub title: String,
    pub slug: String,
    pub season: i64,
    pub episode: i64,
    pub language: String,
    #[model(references = "job(id)", on_delete = "set null", index)]
    pub job_id: Option<String>,
    #[model(default = "'queued'")]
    pub state: String,
    pub created_at: String,
    pub updated_at: String,
}
