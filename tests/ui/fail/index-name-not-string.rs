use stillroom::Model;

#[derive(Model)]
#[model(index(status, name = ix_status))]
struct Job {
    #[model(primary_key)]
    id: String,
    status: String,
}

fn main() {}
