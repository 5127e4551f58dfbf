use stillroom::Model;

#[derive(Model)]
#[model(strict = "no")]
struct Job {
    #[model(primary_key)]
    id: String,
}

fn main() {}
