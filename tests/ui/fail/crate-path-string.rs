use stillroom::Model;

#[derive(Model)]
#[model(crate = "stillroom")]
struct Job {
    #[model(primary_key)]
    id: String,
}

fn main() {}
