use stillroom::Model;

#[derive(Model)]
struct Task {
    #[model(primary_key)]
    id: String,
    #[model(on_delete = "cascade")]
    job_id: String,
}

fn main() {}
