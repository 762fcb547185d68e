//! The one typed client of the JeSaisFaire API. Every call goes through here
//! and speaks the shared DTOs; errors come back as the API's problem body.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::Named;
use shared::auth::Page;
use shared::auth::{
    ApiTokenDto, ApiTokenRequest, BuyerDto, ChangePasswordRequest, CompanyProfileRequest,
    CreateUserRequest, CreatedApiTokenDto, DeleteAccountRequest, LoginRequest, NewPasswordRequest,
    PasswordResetRequest, RefreshRequest, RefreshTokenDelivery, RegisterCompanyRequest,
    TokenResponse, UserDto, VerifyEmailRequest,
};
use shared::consultation::{
    AcknowledgementRequest, DeadlineRequest, EqualInformationDto, FairnessDto, NoticeDto,
    NoticeRequest,
};
use shared::consultation::{
    CctpContent, ConsultationDto, ConsultationStatus, ContributionDto, ContributionRequest,
    CreateConsultationRequest, DecisionRequest, DiffDto, DraftDto, EventDto, NotificationsDto,
    OpenRoundRequest, PublicationDecisionRequest, ReplyAudience, ReplyRequest, RevisionDto,
    RoundDto, SynthesisRow, UpdateConsultationRequest,
};
use shared::mail::{MailPreferenceDto, UnsubscribeDto};
use shared::reference::{CpvCodeEntry, CpvDivisionEntry, DepartementEntry, DeploymentDto};
use shared::{ErrorCode, ProblemDetails};
use uuid::Uuid;

const BASE: &str = "/api/v1";

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The API answered with a problem.
    Problem(ProblemDetails),
    /// The API could not be reached or answered something unreadable.
    Network(String),
    /// Nobody is signed in any more (the session expired meanwhile).
    SignedOut,
}

impl ApiError {
    /// What to tell the person, in French.
    pub fn message(&self) -> String {
        match self {
            Self::Problem(problem) => problem.detail.clone(),
            Self::Network(_) => {
                "Le service est injoignable. Vérifiez votre connexion puis réessayez.".into()
            }
            Self::SignedOut => "Votre session a expiré : reconnectez-vous.".into(),
        }
    }

    /// What the API answers for an unknown id, for an address whose id is malformed.
    pub fn not_found() -> Self {
        Self::Problem(ProblemDetails {
            type_uri: ErrorCode::NotFound.type_uri(),
            title: "Introuvable".into(),
            status: 404,
            detail: "Cette consultation n'existe pas ou ne vous est pas accessible.".into(),
            code: ErrorCode::NotFound,
            errors: Vec::new(),
        })
    }

    pub fn is_precondition_failed(&self) -> bool {
        matches!(self, Self::Problem(p) if p.code == ErrorCode::PreconditionFailed)
    }

    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            Self::Problem(problem) => problem
                .errors
                .iter()
                .find(|e| e.field == field || e.field.starts_with(&format!("{field}[")))
                .map(|e| e.message.clone()),
            Self::Network(_) | Self::SignedOut => None,
        }
    }

    pub fn is_unauthenticated(&self) -> bool {
        match self {
            Self::Problem(p) => {
                matches!(p.code, ErrorCode::Unauthenticated | ErrorCode::InvalidToken)
            }
            Self::SignedOut => true,
            Self::Network(_) => false,
        }
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

fn url(path: &str) -> String {
    format!("{BASE}{path}")
}

fn authorized(builder: RequestBuilder, token: &str) -> RequestBuilder {
    builder.header("Authorization", &format!("Bearer {token}"))
}

async fn send<T: DeserializeOwned>(builder: RequestBuilder) -> Result<T, ApiError> {
    read(builder.send().await.map_err(network)?).await
}

async fn send_json<T: DeserializeOwned>(
    builder: RequestBuilder,
    body: &impl Serialize,
) -> Result<T, ApiError> {
    read(
        builder
            .json(body)
            .map_err(network)?
            .send()
            .await
            .map_err(network)?,
    )
    .await
}

/// The typed verbs every call below goes through.
async fn get<T: DeserializeOwned>(token: &str, path: &str) -> Result<T, ApiError> {
    send(authorized(Request::get(&url(path)), token)).await
}

async fn get_public<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    send(Request::get(&url(path))).await
}

async fn post<T: DeserializeOwned>(
    token: &str,
    path: &str,
    body: &impl Serialize,
) -> Result<T, ApiError> {
    send_json(authorized(Request::post(&url(path)), token), body).await
}

async fn post_public<T: DeserializeOwned>(
    path: &str,
    body: &impl Serialize,
) -> Result<T, ApiError> {
    send_json(Request::post(&url(path)), body).await
}

/// A public POST whose answer has no body (202, 204).
async fn post_public_action(path: &str, body: &impl Serialize) -> Result<(), ApiError> {
    let response = Request::post(&url(path))
        .json(body)
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    success(response).await
}

/// A POST whose answer carries nothing the caller needs.
async fn post_action(token: &str, path: &str) -> Result<(), ApiError> {
    let response = authorized(Request::post(&url(path)), token)
        .send()
        .await
        .map_err(network)?;
    success(response).await
}

async fn put<T: DeserializeOwned>(
    token: &str,
    path: &str,
    body: &impl Serialize,
) -> Result<T, ApiError> {
    send_json(authorized(Request::put(&url(path)), token), body).await
}

async fn patch<T: DeserializeOwned>(
    token: &str,
    path: &str,
    body: &impl Serialize,
) -> Result<T, ApiError> {
    send_json(authorized(Request::patch(&url(path)), token), body).await
}

/// Every item of a paginated list, page after page (a consultation has
/// hundreds of contributions or events at most).
async fn all_pages<T: DeserializeOwned>(token: &str, path: &str) -> Result<Vec<T>, ApiError> {
    let mut items = Vec::new();
    for page in 1.. {
        let batch: Page<T> = get(token, &format!("{path}per_page=100&page={page}")).await?;
        let total = batch.total;
        items.extend(batch.items);
        if items.len() as u64 >= total || batch.per_page == 0 {
            break;
        }
    }
    Ok(items)
}

pub async fn login(email: String, password: String) -> Result<TokenResponse, ApiError> {
    let body = LoginRequest {
        email,
        password,
        refresh_token_delivery: RefreshTokenDelivery::Cookie,
    };
    post_public("/auth/login", &body).await
}

/// Uses the HttpOnly refresh cookie: restores the session after a reload.
pub async fn refresh() -> Result<TokenResponse, ApiError> {
    post_public("/auth/refresh", &RefreshRequest::default()).await
}

pub async fn logout() -> Result<(), ApiError> {
    let response = Request::post(&url("/auth/logout"))
        .json(&RefreshRequest::default())
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    success(response).await
}

/// A new password: the answer is a new session for this browser (every
/// other session of the account has ended).
pub async fn change_password(
    token: &str,
    request: &ChangePasswordRequest,
) -> Result<TokenResponse, ApiError> {
    post(token, "/auth/change-password", request).await
}

/// Ends every session of the account, this one included.
pub async fn logout_everywhere(token: &str) -> Result<(), ApiError> {
    post_action(token, "/auth/logout-everywhere").await
}

/// The answer is the same whether or not the e-mail or SIRET is known: a
/// message is on its way either way.
pub async fn register_company(request: RegisterCompanyRequest) -> Result<(), ApiError> {
    post_public_action("/auth/register-company", &request).await
}

pub async fn verify_email(token: String) -> Result<(), ApiError> {
    post_public_action("/auth/verify-email", &VerifyEmailRequest { token }).await
}

pub async fn resend_verification(token: &str) -> Result<(), ApiError> {
    post_action(token, "/auth/verify-email/resend").await
}

pub async fn request_password_reset(email: String) -> Result<(), ApiError> {
    post_public_action(
        "/auth/password-reset/request",
        &PasswordResetRequest { email },
    )
    .await
}

pub async fn reset_password(request: NewPasswordRequest) -> Result<(), ApiError> {
    post_public_action("/auth/password-reset", &request).await
}

pub async fn mail_preferences(token: &str) -> Result<Vec<MailPreferenceDto>, ApiError> {
    get(token, "/me/mail-preferences").await
}

pub async fn update_mail_preferences(
    token: &str,
    choices: &[MailPreferenceDto],
) -> Result<Vec<MailPreferenceDto>, ApiError> {
    put(token, "/me/mail-preferences", &choices).await
}

/// What an unsubscribe link stops, without changing anything.
pub async fn preview_unsubscribe(link: &str) -> Result<UnsubscribeDto, ApiError> {
    let link = String::from(js_sys::encode_uri_component(link));
    get_public(&format!("/mail/unsubscribe/{link}")).await
}

pub async fn unsubscribe(link: String) -> Result<UnsubscribeDto, ApiError> {
    let link = String::from(js_sys::encode_uri_component(&link));
    send(Request::post(&url(&format!("/mail/unsubscribe/{link}")))).await
}

pub async fn api_tokens(token: &str) -> Result<Vec<ApiTokenDto>, ApiError> {
    get(token, "/me/api-tokens").await
}

pub async fn create_api_token(
    token: &str,
    request: &ApiTokenRequest,
) -> Result<CreatedApiTokenDto, ApiError> {
    post(token, "/me/api-tokens", request).await
}

pub async fn revoke_api_token(token: &str, id: Uuid) -> Result<(), ApiError> {
    let response = authorized(
        Request::delete(&url(&format!("/me/api-tokens/{id}"))),
        token,
    )
    .send()
    .await
    .map_err(network)?;
    success(response).await
}

/// Deletes the company's account; the answer clears the session cookies.
pub async fn delete_account(token: &str, password: String) -> Result<(), ApiError> {
    let response = authorized(Request::post(&url("/me/delete")), token)
        .json(&DeleteAccountRequest { password })
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    success(response).await
}

/// An administrator disables (`true`) or enables an account.
pub async fn set_disabled(token: &str, id: Uuid, disabled: bool) -> Result<UserDto, ApiError> {
    let verb = if disabled { "disable" } else { "enable" };
    send(authorized(
        Request::post(&url(&format!("/users/{id}/{verb}"))),
        token,
    ))
    .await
}

/// Who runs this instance (for the legal pages).
pub async fn deployment() -> Result<DeploymentDto, ApiError> {
    get_public("/deployment").await
}

pub async fn me(token: &str) -> Result<UserDto, ApiError> {
    get(token, "/me").await
}

/// The CPV codes answering what the agent types (code start or words).
pub async fn search_cpv(q: &str) -> Result<Page<CpvCodeEntry>, ApiError> {
    let q = String::from(js_sys::encode_uri_component(q.trim()));
    get_public(&format!("/reference/cpv?per_page=8&q={q}")).await
}

pub async fn update_consultation(
    token: &str,
    id: Uuid,
    request: &UpdateConsultationRequest,
) -> Result<ConsultationDto, ApiError> {
    patch(token, &format!("/consultations/{id}"), request).await
}

pub async fn update_company_profile(
    token: &str,
    profile: &CompanyProfileRequest,
) -> Result<UserDto, ApiError> {
    put(token, "/me/company", profile).await
}

/// One page of the accounts (administrators).
pub async fn users(token: &str, page: u64) -> Result<Page<UserDto>, ApiError> {
    get(token, &format!("/users?page={page}&per_page=50")).await
}

pub async fn create_user(token: &str, request: &CreateUserRequest) -> Result<UserDto, ApiError> {
    post(token, "/users", request).await
}

pub async fn cpv_divisions() -> Result<Vec<CpvDivisionEntry>, ApiError> {
    get_public("/reference/cpv-divisions").await
}

pub async fn departements() -> Result<Vec<DepartementEntry>, ApiError> {
    get_public("/reference/departements").await
}

/// One page of the consultations a person may see, filtered.
pub async fn consultations(
    token: &str,
    status: Option<ConsultationStatus>,
    search: &str,
    page: u64,
    per_page: u64,
) -> Result<Page<ConsultationDto>, ApiError> {
    let mut query = format!("/consultations?page={page}&per_page={per_page}");
    if let Some(s) = status {
        query.push_str(&format!("&status={}", s.as_str()));
    }
    if !search.trim().is_empty() {
        query.push_str(&format!(
            "&q={}",
            String::from(js_sys::encode_uri_component(search.trim()))
        ));
    }
    get(token, &query).await
}

pub async fn create_consultation(
    token: &str,
    request: CreateConsultationRequest,
) -> Result<ConsultationDto, ApiError> {
    post(token, "/consultations", &request).await
}

pub async fn buyers(token: &str) -> Result<Vec<BuyerDto>, ApiError> {
    get(token, "/buyers").await
}

pub async fn draft(token: &str, id: Uuid) -> Result<DraftDto, ApiError> {
    get(token, &format!("/consultations/{id}/draft")).await
}

/// Saves the draft if nobody saved another version since `version` (412 otherwise).
pub async fn save_draft(
    token: &str,
    id: Uuid,
    version: i64,
    content: &CctpContent,
) -> Result<DraftDto, ApiError> {
    let request = authorized(
        Request::put(&url(&format!("/consultations/{id}/draft"))),
        token,
    )
    .header("If-Match", &format!("\"{version}\""));
    send_json(request, content).await
}

pub async fn open_round(
    token: &str,
    id: Uuid,
    request: OpenRoundRequest,
) -> Result<RoundDto, ApiError> {
    post(token, &format!("/consultations/{id}/rounds"), &request).await
}

pub async fn synthesis(token: &str, id: Uuid) -> Result<Vec<SynthesisRow>, ApiError> {
    get(token, &format!("/consultations/{id}/synthesis")).await
}

pub async fn events(token: &str, id: Uuid) -> Result<Vec<EventDto>, ApiError> {
    all_pages(token, &format!("/consultations/{id}/events?")).await
}

pub async fn consultation(token: &str, id: Uuid) -> Result<ConsultationDto, ApiError> {
    get(token, &format!("/consultations/{id}")).await
}

pub async fn revision(token: &str, id: Uuid, round: i32) -> Result<RevisionDto, ApiError> {
    get(token, &format!("/consultations/{id}/rounds/{round}")).await
}

/// Every contribution the caller may read.
pub async fn contributions(token: &str, id: Uuid) -> Result<Vec<ContributionDto>, ApiError> {
    all_pages(token, &format!("/consultations/{id}/contributions?")).await
}

pub async fn edit_contribution(
    token: &str,
    contribution: Uuid,
    request: ContributionRequest,
) -> Result<ContributionDto, ApiError> {
    patch(token, &format!("/contributions/{contribution}"), &request).await
}

pub async fn withdraw(token: &str, contribution: Uuid) -> Result<ContributionDto, ApiError> {
    let path = format!("/contributions/{contribution}/withdraw");
    post(token, &path, &serde_json::json!({})).await
}

pub async fn contribute(
    token: &str,
    id: Uuid,
    request: ContributionRequest,
) -> Result<ContributionDto, ApiError> {
    post(
        token,
        &format!("/consultations/{id}/contributions"),
        &request,
    )
    .await
}

pub async fn reply(
    token: &str,
    contribution: Uuid,
    body: String,
    audience: Option<ReplyAudience>,
) -> Result<ContributionDto, ApiError> {
    let path = format!("/contributions/{contribution}/replies");
    post(token, &path, &ReplyRequest { body, audience }).await
}

pub async fn notices(token: &str, id: Uuid) -> Result<Vec<NoticeDto>, ApiError> {
    get(token, &format!("/consultations/{id}/notices")).await
}

pub async fn publish_notice(
    token: &str,
    id: Uuid,
    request: NoticeRequest,
) -> Result<NoticeDto, ApiError> {
    post(token, &format!("/consultations/{id}/notices"), &request).await
}

pub async fn extend_deadline(
    token: &str,
    id: Uuid,
    round: i32,
    request: DeadlineRequest,
) -> Result<RoundDto, ApiError> {
    let path = format!("/consultations/{id}/rounds/{round}/deadline");
    post(token, &path, &request).await
}

pub async fn equal_information(token: &str, id: Uuid) -> Result<EqualInformationDto, ApiError> {
    get(token, &format!("/consultations/{id}/equal-information")).await
}

pub async fn fairness(token: &str, id: Uuid) -> Result<FairnessDto, ApiError> {
    get(token, &format!("/consultations/{id}/fairness")).await
}

pub async fn acknowledge_fairness(
    token: &str,
    id: Uuid,
    comment: String,
) -> Result<FairnessDto, ApiError> {
    let path = format!("/consultations/{id}/fairness/acknowledgement");
    post(token, &path, &AcknowledgementRequest { comment }).await
}

pub async fn decide(
    token: &str,
    contribution: Uuid,
    request: DecisionRequest,
) -> Result<ContributionDto, ApiError> {
    put(
        token,
        &format!("/contributions/{contribution}/decision"),
        &request,
    )
    .await
}

pub async fn close_round(token: &str, id: Uuid, round: i32) -> Result<(), ApiError> {
    post_action(token, &format!("/consultations/{id}/rounds/{round}/close")).await
}

pub async fn request_publication(token: &str, id: Uuid) -> Result<ConsultationDto, ApiError> {
    let path = format!("/consultations/{id}/publication-request");
    post(token, &path, &serde_json::json!({})).await
}

pub async fn decide_publication(
    token: &str,
    id: Uuid,
    request: PublicationDecisionRequest,
) -> Result<ConsultationDto, ApiError> {
    let path = format!("/consultations/{id}/publication-decision");
    post(token, &path, &request).await
}

pub async fn notifications(
    token: &str,
    page: u64,
    per_page: u64,
) -> Result<NotificationsDto, ApiError> {
    get(
        token,
        &format!("/notifications?page={page}&per_page={per_page}"),
    )
    .await
}

pub async fn mark_read(token: &str, id: Uuid) -> Result<(), ApiError> {
    post_action(token, &format!("/notifications/{id}/read")).await
}

pub async fn mark_all_read(token: &str) -> Result<(), ApiError> {
    post_action(token, "/notifications/read-all").await
}

pub async fn rounds(token: &str, id: Uuid) -> Result<Vec<RoundDto>, ApiError> {
    get(token, &format!("/consultations/{id}/rounds")).await
}

pub async fn diff(token: &str, id: Uuid, to: i32, from: i32) -> Result<DiffDto, ApiError> {
    get(
        token,
        &format!("/consultations/{id}/rounds/{to}/diff?from={from}"),
    )
    .await
}

/// An export saved by the browser under the name the API gives it
/// (`Content-Disposition`): the request carries the access token, which a
/// plain link could not.
pub async fn download(token: &str, path: &str) -> Result<(), ApiError> {
    let response = authorized(Request::get(&url(path)), token)
        .send()
        .await
        .map_err(network)?;
    if !response.ok() {
        return Err(problem(response).await);
    }
    let headers = response.headers();
    let name = headers
        .get("content-disposition")
        .and_then(|d| {
            d.split_once("filename=")
                .map(|(_, name)| name.trim_matches('"').to_owned())
        })
        .unwrap_or_else(|| "export".to_owned());
    let kind = headers.get("content-type").unwrap_or_default();
    let bytes = response.binary().await.map_err(network)?;
    save_file(&bytes, &kind, &name)
        .map_err(|_| ApiError::Network("le fichier n'a pas pu être enregistré".into()))
}

fn save_file(bytes: &[u8], kind: &str, name: &str) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(kind);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let href = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| wasm_bindgen::JsValue::from_str("no document"))?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_href(&href);
    link.set_download(name);
    link.click();
    // The browser reads the file after the click returns: let it go later.
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&href);
        },
        std::time::Duration::from_secs(30),
    );
    Ok(())
}
