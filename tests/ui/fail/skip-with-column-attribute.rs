use stillroom::Model;

#[derive(Model)]
struct Job {
    #[model(primary_key)]
    id: String,
    #[model(skip, column = "label")]
    label: String,
}

fn main() {}
