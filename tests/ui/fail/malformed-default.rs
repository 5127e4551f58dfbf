use stillroom::Model;

#[derive(Model)]
struct Job {
    #[model(primary_key)]
    id: String,
    #[model(default = "queued")]
    status: String,
}

fn main() {}
