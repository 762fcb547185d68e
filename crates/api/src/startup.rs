//! Builds the application once, for the server, the tests and the OpenAPI
//! document alike.

use std::net::TcpListener;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{ErrorHandlers, from_fn};
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use rand::RngCore;
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::{AppExt, scope};
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::JwtKeys;
use crate::configuration::Settings;
use crate::db::Db;
use crate::domain::exports::ExportCache;
use crate::domain::fairness::detector;
use crate::error;
use crate::extract::JSON_LIMIT;
use crate::limits::AuthLimits;
use crate::mailer::Mailer;
use crate::routes::methods::ApiMethods;
use crate::state::AppState;
use crate::{demo, routes, security_headers, spa};

/// The actix application and the OpenAPI document of exactly its routes.
pub fn app(
    state: web::Data<AppState>,
) -> (
    App<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<impl MessageBody>,
            Error = actix_web::Error,
            InitError = (),
        >,
    >,
    utoipa::openapi::OpenApi,
) {
    let static_dir = state.settings.static_dir.clone();
    let (app, mut spec) = App::new()
        .into_utoipa_app()
        .openapi(routes::ApiDoc::openapi())
        .app_data(state)
        // Bodies read by actix's own extractors; `extract::Json` has its own limit.
        .app_data(web::PayloadConfig::new(JSON_LIMIT))
        .app_data(web::QueryConfig::default().error_handler(error::query_error))
        .app_data(web::PathConfig::default().error_handler(error::path_error))
        .service(scope::scope("/api/v1").configure(routes::configure))
        .split_for_parts();
    routes::complete_spec(&mut spec);
    let methods = web::Data::new(ApiMethods::of(&spec));
    let app = app
        .app_data(methods)
        // Swagger UI lives under a trailing slash; people type it without.
        .service(web::redirect("/api/docs", "/api/docs/"))
        .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", spec.clone()))
        .configure(|cfg| spa::configure(cfg, &static_dir))
        .default_service(web::to(spa::not_found))
        .wrap(ErrorHandlers::new().default_handler(error::ensure_problem_body))
        .wrap(from_fn(security_headers::add))
        .wrap(TracingLogger::default());
    (app, spec)
}

/// The OpenAPI document, built from the real routes without a database.
pub fn openapi_spec() -> anyhow::Result<utoipa::openapi::OpenApi> {
    let settings = Settings::from_env()?;
    let state = AppState {
        db: Db::disconnected(),
        jwt: JwtKeys::new(&random_secret(), settings.access_token_ttl)?,
        limits: AuthLimits::new(settings.auth_attempts_per_minute, settings.behind_proxy),
        settings,
        exports: ExportCache::default(),
        fairness_reports: detector::Reports::default(),
    };
    Ok(app(web::Data::new(state)).1)
}

fn random_secret() -> Vec<u8> {
    let mut secret = vec![0u8; 64];
    rand::rng().fill_bytes(&mut secret);
    secret
}

pub struct Application {
    port: u16,
    server: Server,
    mail: String,
}

impl Application {
    /// Connects and migrates the database, then binds the listener (port 0
    /// picks a free port, which tests rely on).
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = Db::connect(&settings.database_url).await?;
        db.migrate().await?;
        if settings.demo_data {
            demo::ensure_demo_accounts(&db).await?;
        } else {
            demo::retire_demo_accounts(&db).await?;
        }
        let secret = match &settings.jwt_secret {
            Some(secret) => secret.as_bytes().to_vec(),
            // A key per process breaks every session as soon as two instances
            // run, or one restarts: only a demonstration may go without one.
            None if !settings.demo_data => anyhow::bail!(
                "JESAISFAIRE_JWT_SECRET must be set (at least 32 bytes, the same on every instance) unless JESAISFAIRE_DEMO_DATA=true"
            ),
            None => {
                tracing::warn!(
                    "JESAISFAIRE_JWT_SECRET is not set: using a random key, valid until this process stops"
                );
                random_secret()
            }
        };
        let jwt = JwtKeys::new(&secret, settings.access_token_ttl)?;
        let mailer = Mailer::from_settings(&settings)?;
        let mail = mailer.describe();
        tokio::spawn(mailer.run(db.clone()));
        let listener = TcpListener::bind(settings.addr)
            .with_context(|| format!("cannot listen on {}", settings.addr))?;
        let port = listener.local_addr()?.port();
        let limits = AuthLimits::new(settings.auth_attempts_per_minute, settings.behind_proxy);
        let state = web::Data::new(AppState {
            db,
            jwt,
            settings,
            limits,
            exports: ExportCache::default(),
            fairness_reports: detector::Reports::default(),
        });
        let server = HttpServer::new(move || app(state.clone()).0)
            .listen(listener)?
            .run();
        Ok(Self { port, server, mail })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Where e-mails go (SMTP server, or the outbox folder).
    pub fn mail(&self) -> &str {
        &self.mail
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
