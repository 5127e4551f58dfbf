use stillroom::Model;

#[derive(Model)]
#[model(unique(status, label))]
struct Job {
    #[model(primary_key)]
    id: String,
    status: String,
    #[model(skip)]
    label: String,
}

fn main() {}
