// The flow an integrating team would write in TypeScript: types generated from `/openapi.json` by
// openapi-typescript, calls made with openapi-fetch, checked by `tsc --strict` before it runs.
// `make clients` copies this file beside the generated `generated/jichi.ts` in its temporary
// folder, compiles both and runs the result against the running platform (JICHI_URL,
// JICHI_CLIENT_ID, JICHI_CLIENT_SECRET, JICHI_SUBSIDY_YEAR in the environment).
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/jichi.js";

type Schemas = components["schemas"];
type Problem = Schemas["ProblemDetails"];

const PURPOSE_CODE = "jichi:purpose:child-allowance";
const PURPOSE = "児童手当の認定";
// Header values are ASCII: a registered purpose code, with the Japanese description as an
// RFC 8187 extended parameter (percent-encoded UTF-8; encodeURIComponent leaves '()* as they are).
const rfc8187 = (text: string): string =>
  encodeURIComponent(text).replace(/['()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
const ENCODED_PURPOSE = `${PURPOSE_CODE}; description*=UTF-8''${rfc8187(PURPOSE)}`;
const CHIYODA = "131016";
const SUBSIDY_TOTAL = 31_536_524_750;

function environment(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** The body a call promised; anything else stops the flow with the answer received. */
function expectOk<T>(result: { data?: T; error?: unknown; response: Response }, status: number): T {
  if (result.response.status !== status || result.data === undefined) {
    throw new Error(`expected ${status}, got ${result.response.status}: ${JSON.stringify(result.error)}`);
  }
  return result.data;
}

const baseUrl = environment("JICHI_URL");
const clientId = environment("JICHI_CLIENT_ID");
const subsidyYear = Number(environment("JICHI_SUBSIDY_YEAR"));

function step(name: string): void {
  console.log(`typescript flow: ${name}: ok`);
}

async function token(): Promise<string> {
  const anonymous = createClient<paths>({ baseUrl });
  const issued = await anonymous.POST("/oauth/token", {
    body: {
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: environment("JICHI_CLIENT_SECRET"),
    },
    bodySerializer: (form) => new URLSearchParams(form),
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  return expectOk(issued, 200).access_token;
}

const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${await token()}` } });
step("token");

const chiyoda = await client.GET("/registry/v1/local-government-codes/{code}", {
  params: { path: { code: CHIYODA } },
});
check(expectOk(chiyoda, 200).name === "千代田区", "131016 is Chiyoda");
step("code-master lookup");

const registration: Schemas["ResidentRegistration"] = {
  family_name: "型付",
  given_name: "次郎",
  family_name_kana: "カタツキ",
  given_name_kana: "ジロウ",
  date_of_birth: "1985-10-01",
  sex: "male",
  address: { local_government_code: CHIYODA, address_lines: ["永田町1丁目7-1"] },
  event_type: "move_in",
  effective_date: "2024-04-01",
};
const idempotencyKey = crypto.randomUUID();
const register = () =>
  client.POST("/registry/v1/residents", {
    body: registration,
    params: { header: { "Idempotency-Key": idempotencyKey } },
  });
const registered = expectOk(await register(), 201);
const retried = await register();
check(
  JSON.stringify(expectOk(retried, 201)) === JSON.stringify(registered),
  "a retry answered otherwise than the first time",
);
check(retried.response.headers.get("Idempotent-Replayed") === "true", "a retry is not marked replayed");
const residentCode = registered.resident_code;
step("resident registered and retried");

const looked = await client.GET("/registry/v1/residents/{resident_code}", {
  params: { path: { resident_code: residentCode }, header: { "X-Purpose": ENCODED_PURPOSE } },
});
check(expectOk(looked, 200).family_name === "型付", "looked up another resident");
const records = await client.GET("/registry/v1/residents/{resident_code}/access-records", {
  params: { path: { resident_code: residentCode }, header: { "X-Purpose": ENCODED_PURPOSE } },
});
const purposes = expectOk(records, 200).items.map((record) => record.purpose);
check(purposes.includes(`${PURPOSE_CODE} ${PURPOSE}`), `the access log shows ${JSON.stringify(purposes)}`);
step("lookup with a Japanese purpose");

const verified = await client.POST("/registry/v1/residents/verifications", {
  body: { items: [{ reference: "known", resident_code: residentCode }, { reference: "unknown", resident_code: "00000000000" }] },
  params: { header: { "X-Purpose": ENCODED_PURPOSE } },
});
const outcomes = expectOk(verified, 200).results.map((result) => result.outcome);
check(outcomes[0] === "found", `bulk verification answered ${JSON.stringify(outcomes)}`);
step("bulk verification");

const election = await client.POST("/elections/v1/elections", {
  body: { name: "型付テスト村長選挙", announcement_date: "2027-05-11", polling_day: "2027-05-16" },
  params: { header: { "Idempotency-Key": crypto.randomUUID() } },
});
check(expectOk(election, 201).name === "型付テスト村長選挙", "the election has another name");
step("election created");

const organization = await client.POST("/funds/v1/organizations", {
  body: {
    name: "型付テストの会",
    kind: "other_political_organization",
    filer_client_id: clientId,
    representative_name: "代表 次郎",
    treasurer_name: "会計 三郎",
    office_municipality_code: CHIYODA,
    office_address: "東京都千代田区永田町1-7-1",
    registered_date: "2001-04-01",
  },
  params: { header: { "Idempotency-Key": crypto.randomUUID() } },
});
const report: Schemas["ReportIn"] = {
  year: 2025,
  carried_forward: 1_000,
  income_total: 50_000,
  expenditure_total: 20_000,
  balance: 31_000,
  category_totals: { membership_fee: 50_000, supplies: 20_000 },
  lines: [
    { category: "membership_fee", amount: 50_000, payer_count: 50 },
    { category: "supplies", amount: 20_000, transaction_date: "2025-06-30" },
  ],
};
const filed = await client.POST("/funds/v1/organizations/{organization_id}/reports", {
  body: report,
  params: { path: { organization_id: expectOk(organization, 201).id }, header: { "Idempotency-Key": crypto.randomUUID() } },
});
check(expectOk(filed, 201).balance === 31_000, "the filed balance changed");
step("funds report filed");

const application = await client.POST("/revitalization/v1/applications", {
  body: {
    programme_code: "local10000",
    fiscal_year: 2024,
    municipality_code: "032018",
    applicant: { kind: "organisation", name: "合同会社いわて木工" },
    title: "県産材の家具工房",
    description: "廃校の教室を工房に改装する。",
    requested_amount: 3_000_000,
    details: { loan_amount: 6_000_000, lending_bank: "岩手銀行" },
  },
  params: { header: { "Idempotency-Key": crypto.randomUUID() } },
});
check(expectOk(application, 201).requested_amount === 3_000_000, "the requested amount changed");
step("revitalization application created");

const votes = (a: string, b: string) => ({
  total_valid_votes: "1000",
  party_votes: { A: a, B: b },
});
const recorded = await client.POST("/funds/v1/party-subsidies/allocations", {
  body: {
    year: subsidyYear,
    inputs: {
      census_population: 126_146_099,
      parties: [
        { party_code: "A", name: "甲党", applying: true, diet_members: 6 },
        { party_code: "B", name: "乙党", applying: true, diet_members: 5 },
      ],
      vote_groups: [
        { group: "hr_single_member", elections: [votes("600", "400")] },
        { group: "hr_proportional", elections: [votes("550", "450")] },
        { group: "hc_proportional", elections: [votes("500", "500"), votes("500", "500")] },
        { group: "hc_district", elections: [votes("700", "300"), votes("700", "300")] },
      ],
    },
  },
  params: { header: { "Idempotency-Key": crypto.randomUUID() } },
});
check(expectOk(recorded, 201).total === SUBSIDY_TOTAL, "the recorded total changed");
const allocation = await client.GET("/funds/v1/party-subsidies/allocations/{year}", {
  params: { path: { year: subsidyYear } },
});
check(expectOk(allocation, 200).total === SUBSIDY_TOTAL, "the total read back changed");
step("party-subsidy allocation read");

const codes: string[] = [];
let pageToken: string | undefined;
do {
  const page = await client.GET("/registry/v1/local-government-codes", {
    params: { query: { prefecture: "13", page_size: 5, ...(pageToken === undefined ? {} : { page_token: pageToken }) } },
  });
  const body = expectOk(page, 200);
  codes.push(...body.items.map((item) => item.code));
  pageToken = body.next_page_token ?? undefined;
} while (pageToken !== undefined && codes.length < 1_000);
check(codes.includes(CHIYODA) && new Set(codes).size === codes.length, `walked ${codes.length} codes`);
step("paged list walked to the end");

const missing = await client.GET("/registry/v1/residents/{resident_code}", {
  params: { path: { resident_code: "00000000000" }, header: { "X-Purpose": ENCODED_PURPOSE } },
});
const problem: Problem | undefined = missing.error;
check(problem !== undefined && problem.status === missing.response.status, "the refusal is not a problem");
check(problem.type.startsWith("urn:"), `problem type ${problem.type}`);
step("problem parsed");
