package detect

// The secret rules. Rule ids, prefixes, value shapes and entropy floors
// follow the gitleaks default configuration (MIT licence) where gitleaks has
// the rule; they are re-expressed here as prefix/keyword tables for the
// one-pass scanner rather than regular expressions. Rules gitleaks lacks
// (a few LLM providers, credentials in URLs) have ids of our own.

const ruleGeneric = "generic-api-key"

// Character classes used by several rules.
const (
	b64     = `[A-Za-z0-9+/]`
	b64url  = `[A-Za-z0-9_\-]`
	alnum   = `[A-Za-z0-9]`
	hexLow  = `[a-f0-9]`
	uuidPat = `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`
)

var secTokenRules = []secTokenRule{
	// Cloud.
	{id: "aws-access-token", pre: []string{"AKIA", "ASIA", "ABIA", "ACCA"}, pat: `[A-Z2-7]{16}`, lb: true, end: endWord, ent: 3, conf: 0.9, check: secAWSKeyID},
	{id: "aws-access-token", pre: []string{"A3T"}, pat: `[A-Z0-9][A-Z2-7]{16}`, lb: true, end: endWord, ent: 3, conf: 0.9, check: secAWSKeyID},
	{id: "aws-amazon-bedrock-api-key-long-lived", pre: []string{"ABSK"}, pat: b64 + `{109,269}={0,2}`, lb: true, end: endGL, ent: 3, conf: 0.9},
	{id: "aws-amazon-bedrock-api-key-short-lived", pre: []string{"bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t"}, pat: `[A-Za-z0-9+/=%&_\-]*`, end: endMax, ent: 3, conf: 0.9},
	{id: "gcp-api-key", pre: []string{"AIza"}, pat: `[\w\-]{35}`, lb: true, end: endGL, ent: 4, conf: 0.85},
	{id: "gcp-oauth-client-secret", pre: []string{"GOCSPX-"}, pat: `[\w\-]{28}`, lb: true, end: endMax, ent: 3, conf: 0.9},
	{id: "azure-storage-account-key", pre: []string{"AccountKey="}, pat: b64 + `{86}==`, end: endMax, ent: 4, conf: 0.9},
	{id: "alibaba-access-key-id", pre: []string{"LTAI"}, pat: `[a-z0-9]{20}`, fold: true, lb: true, end: endGL, ent: 2, conf: 0.8},
	{id: "digitalocean-access-token", pre: []string{"doo_v1_"}, pat: hexLow + `{64}`, lb: true, end: endGL, ent: 3, conf: 0.9},
	{id: "digitalocean-pat", pre: []string{"dop_v1_"}, pat: hexLow + `{64}`, lb: true, end: endGL, ent: 3, conf: 0.9},
	{id: "digitalocean-refresh-token", pre: []string{"dor_v1_"}, pfold: true, pat: hexLow + `{64}`, fold: true, lb: true, end: endGL, conf: 0.9},
	{id: "cloudflare-origin-ca-key", pre: []string{"v1.0-"}, pat: hexLow + `{24}-` + hexLow + `{146}`, lb: true, end: endGL, ent: 2, conf: 0.9},
	{id: "heroku-api-key-v2", pre: []string{"HRKU-AA"}, pat: `[0-9a-zA-Z_\-]{58}`, lb: true, end: endGL, ent: 4, conf: 0.9},
	{id: "flyio-access-token", pre: []string{"fo1_"}, pat: `[\w\-]{43}`, lb: true, end: endGL, ent: 4, conf: 0.9},
	{id: "flyio-access-token", pre: []string{"fm1a_", "fm1r_", "fm2_"}, pat: b64 + `{100,}={0,3}`, lb: true, end: endGL, ent: 4, conf: 0.9},
	{id: "vault-service-token", pre: []string{"hvs."}, pat: `[\w\-]{90,120}`, lb: true, end: endGL, ent: 3.5, conf: 0.9},
	{id: "vault-service-token", pre: []string{"s."}, pat: `[a-z0-9]{24}`, fold: true, lb: true, end: endGL, ent: 3.5, conf: 0.6, check: secHasDigit},
	{id: "vault-batch-token", pre: []string{"hvb."}, pat: `[\w\-]{138,300}`, lb: true, end: endGL, ent: 4, conf: 0.9},
	{id: "doppler-api-token", pre: []string{"dp.pt."}, pat: `[a-z0-9]{43}`, fold: true, end: endMax, ent: 2, conf: 0.9},
	{id: "dynatrace-api-token", pre: []string{"dt0c01."}, pat: `[a-z0-9]{24}\.[a-z0-9]{64}`, fold: true, end: endMax, ent: 4, conf: 0.9},
	{id: "pulumi-api-token", pre: []string{"pul-"}, pat: hexLow + `{40}`, lb: true, end: endGL, ent: 2, conf: 0.9},
	{id: "databricks-api-token", pre: []string{"dapi"}, pat: hexLow + `{32}`, lb: true, end: endGL, ent: 3, conf: 0.85},
	{id: "databricks-api-token", pre: []string{"dapi"}, pat: hexLow + `{32}-\d`, lb: true, end: endGL, ent: 3, conf: 0.85},
	{id: "clickhouse-cloud-api-secret-key", pre: []string{"4b1d"}, pat: alnum + `{38}`, lb: true, end: endWord, ent: 3, conf: 0.8},
	{id: "planetscale-api-token", pre: []string{"pscale_tkn_"}, pat: `[\w=.\-]{32,64}`, fold: true, lb: true, end: endGL, ent: 3, conf: 0.9},
	{id: "planetscale-oauth-token", pre: []string{"pscale_oauth_"}, pat: `[\w=.\-]{32,64}`, lb: true, end: endGL, ent: 3, conf: 0.9},
	{id: "planetscale-password", pre: []string{"pscale_pw_"}, pfold: true, pat: `[\w=.\-]{32,64}`, fold: true, lb: true, end: endGL, ent: 3, conf: 0.9},
	{id: "scalingo-api-token", pre: []string{"tk-us-"}, pat: `[\w\-]{48}`, lb: true, end: endGL, ent: 2, conf: 0.9},
	{id: "prefect-api-token", pre: []string{"pnu_"}, pat: alnum + `{36}`, lb: true, end: endGL, ent: 2, conf: 0.9},
	{id: "infracost-api-token", pre: []string{"ico-"}, pat: alnum + `{32}`, lb: true, end: endGL, ent: 3, conf: 0.85},

	// Version control and CI.
	{id: "github-pat", pre: []string{"ghp_"}, pat: alnum + `{36}`, end: endMax, ent: 3, conf: 0.85, check: secGitHubChecksum},
	{id: "github-oauth", pre: []string{"gho_"}, pat: alnum + `{36}`, end: endMax, ent: 3, conf: 0.85, check: secGitHubChecksum},
	{id: "github-app-token", pre: []string{"ghu_", "ghs_"}, pat: alnum + `{36}`, end: endMax, ent: 3, conf: 0.85, check: secGitHubChecksum},
	{id: "github-refresh-token", pre: []string{"ghr_"}, pat: alnum + `{36}`, end: endMax, ent: 3, conf: 0.85, check: secGitHubChecksum},
	{id: "github-fine-grained-pat", pre: []string{"github_pat_"}, pat: `\w{82}`, end: endMax, ent: 3, conf: 0.95},
	{id: "gitlab-pat", pre: []string{"glpat-"}, pat: `[\w\-]{20}`, end: endMax, ent: 3, conf: 0.9},
	{id: "gitlab-pat-routable", pre: []string{"glpat-"}, pat: `[0-9a-zA-Z_\-]{27,300}\.[0-9a-z]{9}`, lb: true, end: endWord, ent: 4, conf: 0.95},
	{id: "gitlab-ptt", pre: []string{"glptt-"}, pat: hexLow + `{40}`, end: endMax, ent: 3, conf: 0.9},
	{id: "gitlab-rrt", pre: []string{"GR1348941"}, pat: `[\w\-]{20}`, end: endMax, ent: 3, conf: 0.9},
	{id: "gitlab-runner-authentication-token", pre: []string{"glrt-"}, pat: `[0-9a-zA-Z_\-]{20}`, end: endMax, ent: 3, conf: 0.9},
	{id: "gitlab-runner-authentication-token-routable", pre: []string{"glrt-t"}, pat: `\d_[0-9a-zA-Z_\-]{27,300}\.[0-9a-z]{9}`, lb: true, end: endWord, ent: 4, conf: 0.95},
	{id: "gitlab-cicd-job-token", pre: []string{"glcbt-"}, pat: alnum + `{1,5}_[0-9a-zA-Z_\-]{20}`, end: endMax, ent: 3, conf: 0.9},
	{id: "gitlab-deploy-token", pre: []string{"gldt-"}, pat: `[0-9a-zA-Z_\-]{20}`, end: endMax, ent: 3, conf: 0.9},
	{id: "gitlab-feature-flag-client-token", pre: []string{"glffct-"}, pat: `[0-9a-zA-Z_\-]{20}`, end: endMax, ent: 3, conf: 0.9},
	{id: "gitlab-feed-token", pre: []string{"glft-"}, pat: `[0-9a-zA-Z_\-]{20}`, end: endMax, ent: 3, conf: 0.9},
	{id: "gitlab-incoming-mail-token", pre: []string{"glimt-"}, pat: `[0-9a-zA-Z_\-]{25}`, end: endMax, ent: 3, conf: 0.9},
	{id: "gitlab-kubernetes-agent-token", pre: []string{"glagent-"}, pat: `[0-9a-zA-Z_\-]{50}`, end: endMax, ent: 3, conf: 0.9},
	{id: "gitlab-oauth-app-secret", pre: []string{"gloas-"}, pat: `[0-9a-zA-Z_\-]{64}`, end: endMax, ent: 3, conf: 0.9},
	{id: "gitlab-scim-token", pre: []string{"glsoat-"}, pat: `[0-9a-zA-Z_\-]{20}`, end: endMax, ent: 3, conf: 0.9},
	{id: "gitlab-session-cookie", pre: []string{"_gitlab_session="}, pat: `[0-9a-z]{32}`, end: endMax, ent: 3, conf: 0.9},
	{id: "atlassian-api-token", pre: []string{"ATATT3"}, pat: `[A-Za-z0-9_\-=]{186}`, end: endMax, ent: 3.5, conf: 0.9},
	{id: "artifactory-api-key", pre: []string{"AKCp"}, pat: alnum + `{69}`, lb: true, end: endWord, ent: 4.5, conf: 0.85},
	{id: "artifactory-reference-token", pre: []string{"cmVmd"}, pat: alnum + `{59}`, lb: true, end: endWord, ent: 4.5, conf: 0.8},
	{id: "sourcegraph-access-token", pre: []string{"sgp_"}, pfold: true, pat: `[a-fA-F0-9]{16}_[a-fA-F0-9]{40}`, lb: true, end: endWord, ent: 3, conf: 0.9},
	{id: "sourcegraph-access-token", pre: []string{"sgp_local_"}, pfold: true, pat: `[a-fA-F0-9]{40}`, lb: true, end: endWord, ent: 3, conf: 0.9},
	{id: "sourcegraph-access-token", pre: []string{"sgp_"}, pfold: true, pat: `[a-fA-F0-9]{40}`, lb: true, end: endWord, ent: 3, conf: 0.9},
	{id: "rubygems-api-token", pre: []string{"rubygems_"}, pat: hexLow + `{48}`, lb: true, end: endGL, ent: 2, conf: 0.9},
	{id: "npm-access-token", pre: []string{"npm_"}, pfold: true, pat: `[a-z0-9]{36}`, fold: true, lb: true, end: endGL, ent: 2, conf: 0.85},
	{id: "pypi-upload-token", pre: []string{"pypi-AgEIcHlwaS5vcmc"}, pat: `[\w\-]{50,1000}`, end: endMax, ent: 3, conf: 0.95},
	{id: "clojars-api-token", pre: []string{"CLOJARS_"}, pfold: true, pat: `[a-z0-9]{60}`, fold: true, end: endMax, ent: 2, conf: 0.9},
	{id: "docker-pat", pre: []string{"dckr_pat_"}, pat: `[A-Za-z0-9_\-]{27,}`, lb: true, end: endMax, ent: 3, conf: 0.9},
	{id: "octopus-deploy-api-key", pre: []string{"API-"}, pat: `[A-Z0-9]{26}`, lb: true, end: endGL, ent: 3, conf: 0.7},

	// Payment.
	{id: "stripe-access-token", pre: []string{"sk_test_", "sk_live_", "sk_prod_", "rk_test_", "rk_live_", "rk_prod_"}, pat: alnum + `{10,99}`, lb: true, end: endGL, ent: 2, conf: 0.9},
	{id: "square-access-token", pre: []string{"EAAA", "sq0atp-"}, pat: `[\w\-]{22,60}`, lb: true, end: endGL, ent: 2, conf: 0.8},
	{id: "square-secret", pre: []string{"sq0csp-"}, pat: `[\w\-]{43}`, lb: true, end: endGL, ent: 2, conf: 0.9},
	{id: "paypal-braintree-access-token", pre: []string{"access_token$production$", "access_token$sandbox$"}, pat: `[0-9a-z]{16}\$` + hexLow + `{32}`, end: endMax, conf: 0.95},
	{id: "shippo-api-token", pre: []string{"shippo_live_", "shippo_test_"}, pat: `[a-fA-F0-9]{40}`, lb: true, end: endGL, ent: 2, conf: 0.9},
	{id: "shopify-access-token", pre: []string{"shpat_"}, pat: `[a-fA-F0-9]{32}`, end: endMax, ent: 2, conf: 0.9},
	{id: "shopify-custom-access-token", pre: []string{"shpca_"}, pat: `[a-fA-F0-9]{32}`, end: endMax, ent: 2, conf: 0.9},
	{id: "shopify-private-app-access-token", pre: []string{"shppa_"}, pat: `[a-fA-F0-9]{32}`, end: endMax, ent: 2, conf: 0.9},
	{id: "shopify-shared-secret", pre: []string{"shpss_"}, pat: `[a-fA-F0-9]{32}`, end: endMax, ent: 2, conf: 0.9},
	{id: "flutterwave-secret-key", pre: []string{"FLWSECK_TEST-"}, pat: `[a-h0-9]{32}-X`, fold: true, end: endMax, ent: 2, conf: 0.9},
	{id: "flutterwave-public-key", pre: []string{"FLWPUBK_TEST-"}, pat: `[a-h0-9]{32}-X`, fold: true, end: endMax, ent: 2, conf: 0.9},
	{id: "flutterwave-encryption-key", pre: []string{"FLWSECK_TEST-"}, pat: `[a-h0-9]{12}`, fold: true, end: endMax, ent: 2, conf: 0.9},
	{id: "duffel-api-token", pre: []string{"duffel_test_", "duffel_live_"}, pat: `[a-z0-9_\-=]{43}`, fold: true, end: endMax, ent: 2, conf: 0.9},
	{id: "easypost-api-token", pre: []string{"EZAK"}, pat: `[a-z0-9]{54}`, fold: true, lb: true, end: endWord, ent: 2, conf: 0.85},
	{id: "easypost-test-api-token", pre: []string{"EZTK"}, pat: `[a-z0-9]{54}`, fold: true, lb: true, end: endWord, ent: 2, conf: 0.85},
	{id: "postman-api-token", pre: []string{"PMAK-"}, pat: `[a-f0-9]{24}\-[a-f0-9]{34}`, fold: true, lb: true, end: endGL, ent: 3, conf: 0.9},

	// Chat and messaging.
	{id: "slack-bot-token", pre: []string{"xoxb-"}, pat: `\d{10,13}-\d{10,13}[a-zA-Z0-9\-]*`, end: endMax, ent: 3, conf: 0.9},
	{id: "slack-legacy-bot-token", pre: []string{"xoxb-"}, pat: `\d{8,14}-` + alnum + `{18,26}`, end: endMax, ent: 2, conf: 0.85},
	{id: "slack-user-token", pre: []string{"xoxp-", "xoxe-"}, pat: `\d{10,13}-\d{10,13}-\d{10,13}-[a-zA-Z0-9\-]{28,34}`, end: endMax, ent: 2, conf: 0.9},
	{id: "slack-legacy-token", pre: []string{"xoxo-", "xoxs-"}, pat: `\d+-\d+-\d+-[a-fA-F0-9]+`, end: endMax, ent: 2, conf: 0.85},
	{id: "slack-legacy-workspace-token", pre: []string{"xoxa-", "xoxr-"}, pat: `\d-` + alnum + `{8,48}`, end: endMax, ent: 2, conf: 0.8},
	{id: "slack-legacy-workspace-token", pre: []string{"xoxa-", "xoxr-"}, pat: alnum + `{8,48}`, end: endMax, ent: 2, conf: 0.8},
	{id: "slack-app-token", pre: []string{"xapp-"}, pfold: true, pat: `\d-[A-Z0-9]+-\d+-[a-z0-9]+`, fold: true, end: endMax, ent: 2, conf: 0.9},
	{id: "slack-config-access-token", pre: []string{"xoxe.xoxb-", "xoxe.xoxp-"}, pfold: true, pat: `\d-[A-Z0-9]{163,166}`, fold: true, end: endMax, ent: 2, conf: 0.9},
	{id: "slack-config-refresh-token", pre: []string{"xoxe-"}, pfold: true, pat: `\d-[A-Z0-9]{146}`, fold: true, end: endMax, ent: 2, conf: 0.9},
	{id: "discord-webhook-url", pre: []string{"discord.com/api/webhooks/", "discordapp.com/api/webhooks/"}, pat: `\d{17,20}/[\w\-]{60,68}`, end: endMax, ent: 3, conf: 0.9},
	{id: "sendgrid-api-token", pre: []string{"SG."}, pat: `[a-z0-9=_\-.]{66}`, fold: true, lb: true, end: endGL, ent: 2, conf: 0.9},
	{id: "sendinblue-api-token", pre: []string{"xkeysib-"}, pat: hexLow + `{64}-[a-zA-Z0-9]{16}`, lb: true, end: endGL, ent: 2, conf: 0.9},
	{id: "facebook-page-access-token", pre: []string{"EAAM", "EAAC"}, pat: `[a-z0-9]{100,}`, fold: true, lb: true, end: endGL, ent: 4, conf: 0.85},

	// LLM and ML providers.
	{id: "openai-api-key", pre: []string{"sk-proj-", "sk-svcacct-", "sk-admin-"}, pat: b64url + `{74}T3BlbkFJ` + b64url + `{74}`, lb: true, end: endGL, ent: 3, conf: 0.97},
	{id: "openai-api-key", pre: []string{"sk-proj-", "sk-svcacct-", "sk-admin-"}, pat: b64url + `{58}T3BlbkFJ` + b64url + `{58}`, lb: true, end: endGL, ent: 3, conf: 0.97},
	{id: "openai-api-key", pre: []string{"sk-"}, pat: alnum + `{20}T3BlbkFJ` + alnum + `{20}`, lb: true, end: endGL, ent: 3, conf: 0.97},
	// Project keys without the T3BlbkFJ marker (newer formats).
	{id: "openai-api-key", pre: []string{"sk-proj-", "sk-svcacct-", "sk-admin-"}, pat: b64url + `{40,200}`, lb: true, end: endMax, ent: 4, conf: 0.85},
	{id: "anthropic-api-key", pre: []string{"sk-ant-api03-"}, pat: b64url + `{93}AA`, lb: true, end: endGL, conf: 0.97},
	{id: "anthropic-admin-api-key", pre: []string{"sk-ant-admin01-"}, pat: b64url + `{93}AA`, lb: true, end: endGL, conf: 0.97},
	{id: "huggingface-access-token", pre: []string{"hf_"}, pat: `[a-zA-Z]{34}`, lb: true, end: endGL, ent: 2, conf: 0.85},
	{id: "huggingface-organization-api-token", pre: []string{"api_org_"}, pat: `[a-zA-Z]{34}`, lb: true, end: endGL, ent: 2, conf: 0.85},
	{id: "perplexity-api-key", pre: []string{"pplx-"}, pat: alnum + `{48}`, lb: true, end: endWord, ent: 4, conf: 0.9},
	{id: "groq-api-key", pre: []string{"gsk_"}, pat: alnum + `{52}`, lb: true, end: endWord, ent: 3, conf: 0.9},
	{id: "xai-api-key", pre: []string{"xai-"}, pat: alnum + `{80}`, lb: true, end: endWord, ent: 4, conf: 0.9},
	{id: "openrouter-api-key", pre: []string{"sk-or-v1-"}, pat: hexLow + `{64}`, lb: true, end: endWord, ent: 3, conf: 0.95},
	{id: "replicate-api-token", pre: []string{"r8_"}, pat: alnum + `{37}`, lb: true, end: endWord, ent: 4, conf: 0.85},

	// Other SaaS.
	{id: "1password-secret-key", pre: []string{"A3-"}, pat: `[A-Z0-9]{6}-[A-Z0-9]{11}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}`, lb: true, end: endWord, ent: 3.8, conf: 0.9},
	{id: "1password-secret-key", pre: []string{"A3-"}, pat: `[A-Z0-9]{6}-[A-Z0-9]{6}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}`, lb: true, end: endWord, ent: 3.8, conf: 0.9},
	{id: "1password-service-account-token", pre: []string{"ops_eyJ"}, pat: b64 + `{250,}={0,3}`, end: endMax, ent: 4, conf: 0.95},
	{id: "age-secret-key", pre: []string{"AGE-SECRET-KEY-1"}, pat: `[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}`, end: endMax, conf: 0.95},
	{id: "adobe-client-secret", pre: []string{"p8e-"}, pat: `[a-z0-9]{32}`, fold: true, lb: true, end: endGL, ent: 2, conf: 0.85},
	{id: "grafana-api-key", pre: []string{"eyJrIjoi"}, pfold: true, pat: alnum + `{70,400}={0,3}`, lb: true, end: endGL, ent: 3, conf: 0.9},
	{id: "grafana-cloud-api-token", pre: []string{"glc_"}, pfold: true, pat: b64 + `{32,400}={0,3}`, lb: true, end: endGL, ent: 3, conf: 0.85},
	{id: "grafana-service-account-token", pre: []string{"glsa_"}, pfold: true, pat: alnum + `{32}_[A-Fa-f0-9]{8}`, lb: true, end: endGL, ent: 3, conf: 0.9},
	{id: "intra42-client-secret", pre: []string{"s-s4t2ud-", "s-s4t2af-"}, pat: `[a-f0-9]{64}`, fold: true, lb: true, end: endGL, ent: 3, conf: 0.9},
	{id: "linear-api-key", pre: []string{"lin_api_"}, pat: `[a-z0-9]{40}`, fold: true, end: endMax, ent: 2, conf: 0.9},
	{id: "notion-api-token", pre: []string{"ntn_"}, pat: `\d{11}` + alnum + `{35}`, lb: true, end: endGL, ent: 4, conf: 0.9},
	{id: "openshift-user-token", pre: []string{"sha256~"}, pat: `[\w\-]{43}`, lb: true, end: endMax, ent: 3.5, conf: 0.9},
	{id: "readme-api-token", pre: []string{"rdme_"}, pat: `[a-z0-9]{70}`, lb: true, end: endGL, ent: 2, conf: 0.9},
	{id: "sentry-user-token", pre: []string{"sntryu_"}, pat: hexLow + `{64}`, lb: true, end: endGL, ent: 3.5, conf: 0.9},
	{id: "sentry-org-token", pre: []string{"sntrys_eyJpYXQiO"}, pat: b64 + `{20,400}={0,2}_` + b64 + `{43}`, lb: true, end: endMax, ent: 4.5, conf: 0.95, check: secSentryOrg},
	{id: "settlemint-application-access-token", pre: []string{"sm_aat_"}, pat: alnum + `{16}`, lb: true, end: endGL, ent: 3, conf: 0.85},
	{id: "settlemint-personal-access-token", pre: []string{"sm_pat_"}, pat: alnum + `{16}`, lb: true, end: endGL, ent: 3, conf: 0.85},
	{id: "settlemint-service-access-token", pre: []string{"sm_sat_"}, pat: alnum + `{16}`, lb: true, end: endGL, ent: 3, conf: 0.85},
	{id: "twilio-api-key", pre: []string{"SK"}, pat: `[0-9a-fA-F]{32}`, lb: true, end: endMax, ent: 3, conf: 0.6},
	{id: "figma-pat", pre: []string{"figd_"}, pat: `[\w\-]{40,}`, lb: true, end: endMax, ent: 3, conf: 0.85},
	{id: "tailscale-key", pre: []string{"tskey-"}, pat: `[a-z]{2,10}-` + alnum + `{6,20}-` + alnum + `{16,64}`, lb: true, end: endMax, ent: 2, conf: 0.9},
	{id: "slack-webhook-url", pre: []string{"hooks.slack.com/services/", "hooks.slack.com/workflows/", "hooks.slack.com/triggers/"}, pat: b64 + `{43,120}`, end: endMax, conf: 0.95},
	{id: "microsoft-teams-webhook", pre: []string{".webhook.office.com/webhookb2/"}, pat: `[a-z0-9\-@]{70,80}/IncomingWebhook/[a-z0-9]{32}/[a-z0-9\-]{36}`, fold: true, end: endMax, conf: 0.95},
}

var secKeywordRules = []secKeywordRule{
	{id: "aws-secret-access-key", kws: []string{"aws_secret", "aws-secret", "awssecret", "secret_access_key", "secretaccesskey", "secret-access-key", "aws_secret_key"}, pat: b64 + `{40}`, ent: 3, conf: 0.9},
	{id: "adafruit-api-key", kws: []string{"adafruit"}, pat: `[a-z0-9_\-]{32}`, fold: true, conf: 0.8},
	{id: "adobe-client-id", kws: []string{"adobe"}, pat: hexLow + `{32}`, fold: true, ent: 2, conf: 0.8},
	{id: "airtable-api-key", kws: []string{"airtable"}, pat: `[a-z0-9]{17}`, fold: true, conf: 0.8},
	{id: "algolia-api-key", kws: []string{"algolia"}, pat: `[a-z0-9]{32}`, fold: true, conf: 0.8},
	{id: "alibaba-secret-key", kws: []string{"alibaba"}, pat: `[a-z0-9]{30}`, fold: true, ent: 2, conf: 0.8},
	{id: "asana-client-id", kws: []string{"asana"}, pat: `\d{16}`, conf: 0.7},
	{id: "asana-client-secret", kws: []string{"asana"}, pat: `[a-z0-9]{32}`, fold: true, conf: 0.8},
	{id: "atlassian-api-token", kws: []string{"atlassian", "confluence", "jira"}, cs: true, pat: `[a-z0-9]{20}[a-f0-9]{4}`, fold: true, ent: 3.5, conf: 0.8},
	{id: "beamer-api-token", kws: []string{"beamer"}, pat: `b_[a-z0-9=_\-]{44}`, fold: true, conf: 0.85},
	{id: "bitbucket-client-id", kws: []string{"bitbucket"}, pat: `[a-z0-9]{32}`, fold: true, conf: 0.8},
	{id: "bitbucket-client-secret", kws: []string{"bitbucket"}, pat: `[a-z0-9=_\-]{64}`, fold: true, conf: 0.85},
	{id: "bittrex-access-key", kws: []string{"bittrex"}, pat: `[a-z0-9]{32}`, fold: true, conf: 0.8},
	{id: "cisco-meraki-api-key", kws: []string{"meraki"}, cs: true, pat: `[0-9a-f]{40}`, ent: 3, conf: 0.8},
	{id: "cloudflare-api-key", kws: []string{"cloudflare"}, pat: `[a-z0-9_\-]{40}`, fold: true, ent: 2, conf: 0.8},
	{id: "cloudflare-global-api-key", kws: []string{"cloudflare"}, pat: hexLow + `{37}`, fold: true, ent: 2, conf: 0.8},
	{id: "codecov-access-token", kws: []string{"codecov"}, pat: `[a-z0-9]{32}`, fold: true, conf: 0.8},
	{id: "cohere-api-token", kws: []string{"cohere", "co_api_key"}, pat: alnum + `{40}`, ent: 4, conf: 0.85},
	{id: "coinbase-access-token", kws: []string{"coinbase"}, pat: `[a-z0-9_\-]{64}`, fold: true, conf: 0.8},
	{id: "confluent-access-token", kws: []string{"confluent"}, pat: `[a-z0-9]{16}`, fold: true, conf: 0.7},
	{id: "confluent-secret-key", kws: []string{"confluent"}, pat: `[a-z0-9]{64}`, fold: true, conf: 0.8},
	{id: "contentful-delivery-api-token", kws: []string{"contentful"}, pat: `[a-z0-9=_\-]{43}`, fold: true, conf: 0.8},
	{id: "datadog-access-token", kws: []string{"datadog"}, pat: `[a-z0-9]{40}`, fold: true, conf: 0.8},
	{id: "defined-networking-api-token", kws: []string{"dnkey"}, pat: `dnkey-[a-z0-9=_\-]{26}-[a-z0-9=_\-]{52}`, fold: true, conf: 0.9},
	{id: "discord-api-token", kws: []string{"discord"}, pat: hexLow + `{64}`, fold: true, conf: 0.8},
	{id: "discord-client-id", kws: []string{"discord"}, pat: `\d{18}`, ent: 2, conf: 0.6},
	{id: "discord-client-secret", kws: []string{"discord"}, pat: `[a-z0-9=_\-]{32}`, fold: true, ent: 2, conf: 0.8},
	{id: "droneci-access-token", kws: []string{"droneci"}, pat: `[a-z0-9]{32}`, fold: true, conf: 0.8},
	{id: "dropbox-api-token", kws: []string{"dropbox"}, pat: `[a-z0-9]{15}`, fold: true, conf: 0.7},
	{id: "dropbox-long-lived-api-token", kws: []string{"dropbox"}, pat: `[a-z0-9]{11}AAAAAAAAAA[a-z0-9\-_=]{43}`, fold: true, conf: 0.85},
	{id: "dropbox-short-lived-api-token", kws: []string{"dropbox"}, pat: `sl\.[a-z0-9\-=_]{135}`, fold: true, conf: 0.85},
	{id: "etsy-access-token", kws: []string{"etsy"}, cs: true, pat: `[a-z0-9]{24}`, fold: true, ent: 3, conf: 0.8},
	{id: "facebook-secret", kws: []string{"facebook"}, pat: hexLow + `{32}`, fold: true, ent: 3, conf: 0.85},
	{id: "fastly-api-token", kws: []string{"fastly"}, pat: `[a-z0-9=_\-]{32}`, fold: true, conf: 0.8},
	{id: "finicity-api-token", kws: []string{"finicity"}, pat: hexLow + `{32}`, fold: true, conf: 0.8},
	{id: "finicity-client-secret", kws: []string{"finicity"}, pat: `[a-z0-9]{20}`, fold: true, conf: 0.8},
	{id: "finnhub-access-token", kws: []string{"finnhub"}, pat: `[a-z0-9]{20}`, fold: true, conf: 0.8},
	{id: "flickr-access-token", kws: []string{"flickr"}, pat: `[a-z0-9]{32}`, fold: true, conf: 0.8},
	{id: "freshbooks-access-token", kws: []string{"freshbooks"}, pat: `[a-z0-9]{64}`, fold: true, conf: 0.8},
	{id: "gitter-access-token", kws: []string{"gitter"}, pat: `[a-z0-9_\-]{40}`, fold: true, conf: 0.8},
	{id: "gocardless-api-token", kws: []string{"gocardless"}, pat: `live_[a-z0-9\-_=]{40}`, fold: true, conf: 0.9},
	{id: "heroku-api-key", kws: []string{"heroku"}, pat: uuidPat, fold: true, conf: 0.85},
	{id: "hubspot-api-key", kws: []string{"hubspot"}, pat: uuidPat, fold: true, conf: 0.85},
	{id: "intercom-api-key", kws: []string{"intercom"}, pat: `[a-z0-9=_\-]{60}`, fold: true, conf: 0.8},
	{id: "jfrog-api-key", kws: []string{"jfrog", "artifactory", "bintray", "xray"}, pat: `[a-z0-9]{73}`, fold: true, conf: 0.85},
	{id: "jfrog-identity-token", kws: []string{"jfrog", "artifactory", "bintray", "xray"}, pat: `[a-z0-9]{64}`, fold: true, conf: 0.85},
	{id: "kraken-access-token", kws: []string{"kraken"}, pat: `[a-z0-9/=_+\-]{80,90}`, fold: true, conf: 0.85},
	{id: "kucoin-access-token", kws: []string{"kucoin"}, pat: hexLow + `{24}`, fold: true, conf: 0.8},
	{id: "kucoin-secret-key", kws: []string{"kucoin"}, pat: uuidPat, fold: true, conf: 0.8},
	{id: "launchdarkly-access-token", kws: []string{"launchdarkly"}, pat: `[a-z0-9=_\-]{40}`, fold: true, conf: 0.8},
	{id: "linear-client-secret", kws: []string{"linear"}, pat: hexLow + `{32}`, fold: true, ent: 2, conf: 0.8},
	{id: "linkedin-client-id", kws: []string{"linkedin", "linked_in", "linked-in"}, pat: `[a-z0-9]{14}`, fold: true, ent: 2, conf: 0.7},
	{id: "linkedin-client-secret", kws: []string{"linkedin", "linked_in", "linked-in"}, pat: `[a-z0-9]{16}`, fold: true, ent: 2, conf: 0.8},
	{id: "lob-api-key", kws: []string{"lob"}, pat: `live_` + hexLow + `{35}`, fold: true, conf: 0.85},
	{id: "lob-api-key", kws: []string{"lob"}, pat: `test_` + hexLow + `{35}`, fold: true, conf: 0.85},
	{id: "lob-pub-api-key", kws: []string{"lob"}, pat: `live_pub_` + hexLow + `{31}`, fold: true, conf: 0.85},
	{id: "lob-pub-api-key", kws: []string{"lob"}, pat: `test_pub_` + hexLow + `{31}`, fold: true, conf: 0.85},
	{id: "looker-client-id", kws: []string{"looker"}, pat: `[a-z0-9]{20}`, fold: true, conf: 0.7},
	{id: "looker-client-secret", kws: []string{"looker"}, pat: `[a-z0-9]{24}`, fold: true, conf: 0.8},
	{id: "mailchimp-api-key", kws: []string{"mailchimp"}, pat: hexLow + `{32}-us\d\d`, fold: true, conf: 0.9},
	{id: "mailgun-private-api-token", kws: []string{"mailgun"}, pat: `key-` + hexLow + `{32}`, fold: true, conf: 0.9},
	{id: "mailgun-pub-key", kws: []string{"mailgun"}, pat: `pubkey-` + hexLow + `{32}`, fold: true, conf: 0.8},
	{id: "mailgun-signing-key", kws: []string{"mailgun"}, pat: `[a-h0-9]{32}-[a-h0-9]{8}-[a-h0-9]{8}`, fold: true, conf: 0.9},
	{id: "mapbox-api-token", kws: []string{"mapbox"}, pat: `pk\.[a-z0-9]{60}\.[a-z0-9]{22}`, fold: true, conf: 0.9},
	{id: "mattermost-access-token", kws: []string{"mattermost"}, pat: `[a-z0-9]{26}`, fold: true, conf: 0.8},
	{id: "messagebird-api-token", kws: []string{"messagebird", "message-bird", "message_bird"}, pat: `[a-z0-9]{25}`, fold: true, conf: 0.8},
	{id: "messagebird-client-id", kws: []string{"messagebird", "message-bird", "message_bird"}, pat: uuidPat, fold: true, conf: 0.8},
	{id: "netlify-access-token", kws: []string{"netlify"}, pat: `[a-z0-9=_\-]{40,46}`, fold: true, conf: 0.8},
	{id: "new-relic-browser-api-token", kws: []string{"new-relic", "newrelic", "new_relic"}, pat: `NRJS-` + hexLow + `{19}`, fold: true, conf: 0.9},
	{id: "new-relic-insert-key", kws: []string{"new-relic", "newrelic", "new_relic"}, pat: `NRII-[a-z0-9\-]{32}`, fold: true, conf: 0.9},
	{id: "new-relic-user-api-key", kws: []string{"new-relic", "newrelic", "new_relic"}, pat: `NRAK-[a-z0-9]{27}`, fold: true, conf: 0.9},
	{id: "new-relic-user-api-id", kws: []string{"new-relic", "newrelic", "new_relic"}, pat: `[a-z0-9]{64}`, fold: true, conf: 0.8},
	{id: "nytimes-access-token", kws: []string{"nytimes", "new-york-times", "newyorktimes"}, pat: `[a-z0-9=_\-]{32}`, fold: true, conf: 0.8},
	{id: "okta-access-token", kws: []string{"okta"}, cs: true, pat: `00[\w=\-]{40}`, ent: 4, conf: 0.85},
	{id: "plaid-api-token", kws: []string{"plaid"}, pat: `access-sandbox-` + uuidPat, fold: true, conf: 0.9},
	{id: "plaid-api-token", kws: []string{"plaid"}, pat: `access-development-` + uuidPat, fold: true, conf: 0.9},
	{id: "plaid-api-token", kws: []string{"plaid"}, pat: `access-production-` + uuidPat, fold: true, conf: 0.9},
	{id: "plaid-client-id", kws: []string{"plaid"}, pat: `[a-z0-9]{24}`, fold: true, ent: 3.5, conf: 0.7},
	{id: "plaid-secret-key", kws: []string{"plaid"}, pat: `[a-z0-9]{30}`, fold: true, ent: 3.5, conf: 0.85},
	{id: "privateai-api-token", kws: []string{"privateai", "private_ai", "private-ai"}, pat: `[a-z0-9]{32}`, fold: true, ent: 3, conf: 0.8},
	{id: "rapidapi-access-token", kws: []string{"rapidapi"}, pat: `[a-z0-9_\-]{50}`, fold: true, conf: 0.8},
	{id: "sendbird-access-id", kws: []string{"sendbird"}, pat: uuidPat, fold: true, conf: 0.7},
	{id: "sendbird-access-token", kws: []string{"sendbird"}, pat: hexLow + `{40}`, fold: true, conf: 0.8},
	{id: "sentry-access-token", kws: []string{"sentry"}, pat: hexLow + `{64}`, fold: true, ent: 3, conf: 0.85},
	{id: "sidekiq-secret", kws: []string{"bundle_enterprise__contribsys__com", "bundle_gems__contribsys__com"}, pat: hexLow + `{8}:` + hexLow + `{8}`, fold: true, conf: 0.9},
	{id: "snyk-api-token", kws: secExpand("snyk", []string{"", "api", "oauth"}, []string{"key", "token"}), pat: uuidPat, fold: true, conf: 0.85},
	{id: "sonar-api-token", kws: secExpand("sonar", []string{""}, []string{"login", "token"}), pat: `[a-z0-9=_\-]{40}`, fold: true, conf: 0.85},
	{id: "sonar-api-token", kws: secExpand("sonar", []string{""}, []string{"login", "token"}), pat: `sq[upa]_[a-z0-9=_\-]{40}`, fold: true, conf: 0.9},
	{id: "sourcegraph-access-token", kws: []string{"sourcegraph"}, pat: `[a-fA-F0-9]{40}`, ent: 3, conf: 0.8},
	{id: "squarespace-access-token", kws: []string{"squarespace"}, pat: uuidPat, fold: true, conf: 0.8},
	{id: "sumologic-access-id", kws: []string{"sumo"}, cs: true, pat: `su` + alnum + `{12}`, ent: 3, conf: 0.8},
	{id: "sumologic-access-token", kws: []string{"sumo"}, cs: true, pat: `[a-z0-9]{64}`, fold: true, ent: 3, conf: 0.85},
	{id: "telegram-bot-api-token", kws: []string{"telegr"}, pat: `\d{5,16}:A[a-zA-Z0-9_\-]{34}`, conf: 0.9},
	{id: "travisci-access-token", kws: []string{"travis"}, pat: `[a-z0-9]{22}`, fold: true, conf: 0.8},
	{id: "twitch-api-token", kws: []string{"twitch"}, pat: `[a-z0-9]{30}`, fold: true, conf: 0.8},
	{id: "twitter-access-secret", kws: []string{"twitter"}, pat: `[a-z0-9]{45}`, fold: true, conf: 0.8},
	{id: "twitter-access-token", kws: []string{"twitter"}, pat: `\d{15,25}-` + alnum + `{20,40}`, conf: 0.85},
	{id: "twitter-api-key", kws: []string{"twitter"}, pat: `[a-z0-9]{25}`, fold: true, conf: 0.8},
	{id: "twitter-api-secret", kws: []string{"twitter"}, pat: `[a-z0-9]{50}`, fold: true, conf: 0.8},
	{id: "twitter-bearer-token", kws: []string{"twitter"}, pat: `A{22}[a-zA-Z0-9%]{80,100}`, conf: 0.9},
	{id: "typeform-api-token", kws: []string{"typeform"}, pat: `tfp_[a-z0-9\-_.=]{59}`, fold: true, conf: 0.9},
	{id: "yandex-api-key", kws: []string{"yandex"}, pat: `AQVN[A-Za-z0-9_\-]{35,38}`, conf: 0.9},
	{id: "yandex-aws-access-token", kws: []string{"yandex"}, pat: `YC[a-zA-Z0-9_\-]{38}`, conf: 0.9},
	{id: "zendesk-secret-key", kws: []string{"zendesk"}, pat: `[a-z0-9]{40}`, fold: true, conf: 0.8},
}

// secGenericKeywords are the generic-api-key keywords. "api" must be
// spelled api, Api or API (gitleaks' (?-i:[Aa]pi|API)); the others match in
// any case.
var secGenericKeywords = []struct {
	lit string
	cs  bool
}{
	{"access", false}, {"auth", false}, {"api", true}, {"credential", false}, {"creds", false},
	{"key", false}, {"passwd", false}, {"password", false}, {"pwd", false}, {"secret", false}, {"token", false},
}

// secExpand builds keyword spellings: base, then an optional middle word,
// then a final word, joined by nothing, "_", "." or "-".
func secExpand(base string, mids, finals []string) []string {
	seps := []string{"", "_", ".", "-"}
	var out []string
	for _, m := range mids {
		for _, f := range finals {
			for _, s1 := range seps {
				if m == "" {
					out = append(out, base+s1+f)
					continue
				}
				for _, s2 := range seps {
					out = append(out, base+s1+m+s2+f)
				}
			}
		}
	}
	return out
}
