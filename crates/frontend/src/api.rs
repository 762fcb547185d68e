//! The one typed client of the JeSaisFaire API. Every call goes through here
//! and speaks the shared DTOs; errors come back as the API's problem body.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::auth::Page;
use shared::auth::{
    LoginRequest, RefreshRequest, RefreshTokenDelivery, RegisterCompanyRequest, TokenResponse,
    UserDto,
};
use shared::consultation::{
    ConsultationDto, ContributionDto, ContributionRequest, DecisionRequest, DiffDto,
    NotificationsDto, PublicationDecisionRequest, ReplyRequest, RevisionDto, RoundDto,
};
use shared::reference::{CpvDivisionEntry, DepartementEntry};
use shared::{ErrorCode, ProblemDetails};
use uuid::Uuid;

const BASE: &str = "/api/v1";

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The API answered with a problem.
    Problem(ProblemDetails),
    /// The API could not be reached or answered something unreadable.
    Network(String),
}

impl ApiError {
    /// What to tell the person, in French.
    pub fn message(&self) -> String {
        match self {
            Self::Problem(problem) => problem.detail.clone(),
            Self::Network(_) => {
                "Le service est injoignable. Vérifiez votre connexion puis réessayez.".into()
            }
        }
    }

    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            Self::Problem(problem) => problem
                .errors
                .iter()
                .find(|e| e.field == field || e.field.starts_with(&format!("{field}[")))
                .map(|e| e.message.clone()),
            Self::Network(_) => None,
        }
    }

    pub fn is_unauthenticated(&self) -> bool {
        matches!(self, Self::Problem(p) if matches!(p.code, ErrorCode::Unauthenticated | ErrorCode::InvalidToken))
    }
}

fn network(err: gloo_net::Error) -> ApiError {
    ApiError::Network(err.to_string())
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if response.ok() {
        response.json::<T>().await.map_err(network)
    } else {
        Err(problem(response).await)
    }
}

/// For answers without a body (204 and the like).
async fn success(response: Response) -> Result<(), ApiError> {
    if response.ok() {
        Ok(())
    } else {
        Err(problem(response).await)
    }
}

async fn problem(response: Response) -> ApiError {
    match response.json::<ProblemDetails>().await {
        Ok(problem) => ApiError::Problem(problem),
        Err(_) => ApiError::Network(format!("HTTP {}", response.status())),
    }
}

async fn send_json<T: DeserializeOwned>(
    builder: RequestBuilder,
    body: &impl Serialize,
) -> Result<T, ApiError> {
    let response = builder
        .json(body)
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    read(response).await
}

fn authorized(builder: RequestBuilder, token: &str) -> RequestBuilder {
    builder.header("Authorization", &format!("Bearer {token}"))
}

pub async fn login(email: String, password: String) -> Result<TokenResponse, ApiError> {
    let body = LoginRequest {
        email,
        password,
        refresh_token_delivery: RefreshTokenDelivery::Cookie,
    };
    send_json(Request::post(&format!("{BASE}/auth/login")), &body).await
}

/// Uses the HttpOnly refresh cookie: restores the session after a reload.
pub async fn refresh() -> Result<TokenResponse, ApiError> {
    send_json(
        Request::post(&format!("{BASE}/auth/refresh")),
        &RefreshRequest::default(),
    )
    .await
}

pub async fn logout() -> Result<(), ApiError> {
    let response = Request::post(&format!("{BASE}/auth/logout"))
        .json(&RefreshRequest::default())
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    success(response).await
}

pub async fn register_company(request: RegisterCompanyRequest) -> Result<UserDto, ApiError> {
    send_json(
        Request::post(&format!("{BASE}/auth/register-company")),
        &request,
    )
    .await
}

pub async fn me(token: &str) -> Result<UserDto, ApiError> {
    get_json(token, "/me").await
}

pub async fn cpv_divisions() -> Result<Vec<CpvDivisionEntry>, ApiError> {
    let response = Request::get(&format!("{BASE}/reference/cpv-divisions"))
        .send()
        .await
        .map_err(network)?;
    read(response).await
}

pub async fn departements() -> Result<Vec<DepartementEntry>, ApiError> {
    let response = Request::get(&format!("{BASE}/reference/departements"))
        .send()
        .await
        .map_err(network)?;
    read(response).await
}

async fn get_json<T: DeserializeOwned>(token: &str, path: &str) -> Result<T, ApiError> {
    let response = authorized(Request::get(&format!("{BASE}{path}")), token)
        .send()
        .await
        .map_err(network)?;
    read(response).await
}

pub async fn consultations(token: &str) -> Result<Page<ConsultationDto>, ApiError> {
    get_json(token, "/consultations?per_page=100").await
}

pub async fn consultation(token: &str, id: Uuid) -> Result<ConsultationDto, ApiError> {
    get_json(token, &format!("/consultations/{id}")).await
}

pub async fn revision(token: &str, id: Uuid, round: i32) -> Result<RevisionDto, ApiError> {
    get_json(token, &format!("/consultations/{id}/rounds/{round}")).await
}

pub async fn contributions(token: &str, id: Uuid) -> Result<Page<ContributionDto>, ApiError> {
    get_json(
        token,
        &format!("/consultations/{id}/contributions?per_page=100"),
    )
    .await
}

pub async fn contribute(
    token: &str,
    id: Uuid,
    request: ContributionRequest,
) -> Result<ContributionDto, ApiError> {
    send_json(
        authorized(
            Request::post(&format!("{BASE}/consultations/{id}/contributions")),
            token,
        ),
        &request,
    )
    .await
}

pub async fn reply(
    token: &str,
    contribution: Uuid,
    body: String,
) -> Result<ContributionDto, ApiError> {
    send_json(
        authorized(
            Request::post(&format!("{BASE}/contributions/{contribution}/replies")),
            token,
        ),
        &ReplyRequest { body },
    )
    .await
}

pub async fn decide(
    token: &str,
    contribution: Uuid,
    request: DecisionRequest,
) -> Result<ContributionDto, ApiError> {
    send_json(
        authorized(
            Request::put(&format!("{BASE}/contributions/{contribution}/decision")),
            token,
        ),
        &request,
    )
    .await
}

async fn post_for_consultation(
    token: &str,
    path: &str,
    body: &impl Serialize,
) -> Result<ConsultationDto, ApiError> {
    send_json(
        authorized(Request::post(&format!("{BASE}{path}")), token),
        body,
    )
    .await
}

pub async fn close_round(token: &str, id: Uuid, round: i32) -> Result<(), ApiError> {
    let response = authorized(
        Request::post(&format!("{BASE}/consultations/{id}/rounds/{round}/close")),
        token,
    )
    .send()
    .await
    .map_err(network)?;
    success(response).await
}

pub async fn request_publication(token: &str, id: Uuid) -> Result<ConsultationDto, ApiError> {
    post_for_consultation(
        token,
        &format!("/consultations/{id}/publication-request"),
        &serde_json::json!({}),
    )
    .await
}

pub async fn decide_publication(
    token: &str,
    id: Uuid,
    request: PublicationDecisionRequest,
) -> Result<ConsultationDto, ApiError> {
    post_for_consultation(
        token,
        &format!("/consultations/{id}/publication-decision"),
        &request,
    )
    .await
}

pub async fn notifications(token: &str) -> Result<NotificationsDto, ApiError> {
    get_json(token, "/notifications").await
}

pub async fn mark_read(token: &str, id: Uuid) -> Result<(), ApiError> {
    let response = authorized(
        Request::post(&format!("{BASE}/notifications/{id}/read")),
        token,
    )
    .send()
    .await
    .map_err(network)?;
    success(response).await
}

pub async fn rounds(token: &str, id: Uuid) -> Result<Vec<RoundDto>, ApiError> {
    get_json(token, &format!("/consultations/{id}/rounds")).await
}

pub async fn diff(token: &str, id: Uuid, to: i32, from: i32) -> Result<DiffDto, ApiError> {
    get_json(
        token,
        &format!("/consultations/{id}/rounds/{to}/diff?from={from}"),
    )
    .await
}
