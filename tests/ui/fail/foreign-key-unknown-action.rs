use stillroom::Model;

#[derive(Model)]
#[model(foreign_key(
    slug,
    season,
    references = "seasons(slug, season)",
    on_update = "nullify"
))]
struct Episode {
    #[model(primary_key)]
    id: i64,
    slug: String,
    season: i64,
}

fn main() {}
