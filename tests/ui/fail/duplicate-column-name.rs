use stillroom::Model;

#[derive(Model)]
struct Job {
    #[model(primary_key)]
    id: String,
    status: String,
    #[model(column = "Status")]
    state: String,
}

fn main() {}
