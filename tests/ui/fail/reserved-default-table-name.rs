use stillroom::Model;

#[derive(Model)]
struct StillroomMigration {
    #[model(primary_key)]
    id: String,
}

fn main() {}
