use stillroom::Model;

#[derive(Model)]
#[model(check = "progress >= 0; DROP TABLE job")]
struct Job {
    #[model(primary_key)]
    id: String,
    progress: f64,
}

fn main() {}
