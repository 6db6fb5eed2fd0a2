use utoipa::OpenApi;

use crate::dto::*;
use crate::handlers;

/// The OpenAPI 3.1 document served at `/openapi.json`.
#[derive(OpenApi)]
#[openapi(
    info(title = "GovChain API", description = "Public records, proofs and transactions of a GovChain node."),
    paths(
        handlers::health,
        handlers::status,
        handlers::genesis,
        handlers::metrics,
        handlers::submit_tx,
        handlers::submit_batch,
        handlers::get_tx,
        handlers::latest_block,
        handlers::get_block,
        handlers::list_records,
        handlers::search_records,
        handlers::get_record,
        handlers::list_orgs,
        handlers::get_org,
        handlers::get_account,
        handlers::list_proposals,
        handlers::get_proposal,
        handlers::list_cert_types,
        handlers::get_cert_type,
        handlers::get_certificate,
        handlers::cert_status,
        handlers::cert_proofs,
        handlers::verify_presentation,
        handlers::record_proof,
        handlers::tx_proof,
        handlers::state_proof,
        handlers::events
    ),
    components(schemas(
        SubmitTx,
        SubmitBatch,
        Accepted,
        BatchItem,
        BatchResult,
        EventView,
        ReceiptView,
        TxView,
        HeaderView,
        SignatureView,
        CertificateView,
        BlockView,
        ValidatorView,
        MempoolView,
        StatusView,
        AttachmentView,
        RecordView,
        RecordPage,
        RecordHistory,
        RoleView,
        OrgView,
        AccountView,
        BlockEvent,
        ModuleEvent,
        ProposalView,
        FieldView,
        CertTypeView,
        CertRecordView,
        CertStatusView,
        CertProofs,
        VerifyResponse,
        HighlightedText,
        SearchHitView,
        SearchResponse,
        ErrorBody,
        ErrorDetail
    ))
)]
pub struct ApiDoc;
