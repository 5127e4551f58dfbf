use stillroom::Model;

#[derive(Model)]
#[model(index(status, craeted_at))]
struct Job {
    #[model(primary_key)]
    id: String,
    status: String,
    created_at: String,
}

fn main() {}
