use stillroom::Model;

#[derive(Model)]
struct Job {
    #[model(primary_key)]
    id: String,
    #[model(default = "queued")]
    status: String,
    hits: u64,
}

fn main() {}
