/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query Categories {\n  categories {\n    id\n    slug\n    name\n  }\n}": typeof types.CategoriesDocument,
    "fragment ListingCard on Listing {\n  id\n  marketplace\n  state\n  content {\n    name\n    tagline\n    categories {\n      slug\n      name\n    }\n  }\n  partner {\n    id\n    slug\n    name\n    tier\n  }\n  app {\n    id\n    dataFlow\n  }\n}": typeof types.ListingCardFragmentDoc,
    "query ListingDetail($id: ID!) {\n  node(id: $id) {\n    __typename\n    ... on Listing {\n      ...ListingCard\n      firstLiveAt\n      content {\n        summary\n        howItWorks\n        features\n        screenshots\n        videoUrl\n        websiteUrl\n        learnMoreUrl\n        contactKind\n      }\n      partner {\n        website\n      }\n      app {\n        name\n        kind\n      }\n    }\n  }\n}": typeof types.ListingDetailDocument,
    "query MarketplaceListings($marketplace: Marketplace = COMMERCIAL, $first: Int = 20, $after: String) {\n  listings(marketplace: $marketplace, first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        ...ListingCard\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.MarketplaceListingsDocument,
    "query MyPartnerApps($first: Int = 20, $after: String, $months: Int = 12) {\n  apps(first: $first, after: $after) {\n    edges {\n      node {\n        id\n        name\n        kind\n        dataFlow\n        status\n        launchedAt\n        validations {\n          id\n          marketplace\n          purpose\n          attempt\n          status\n          requestedAt\n          completedAt\n          integrationManager {\n            name\n          }\n          checks {\n            kind\n            passed\n            notes\n            recordedAt\n          }\n        }\n        usage(months: $months) {\n          month\n          activeCustomers\n          installs\n          uninstalls\n          pushCalls\n          pullCalls\n        }\n        listings {\n          id\n          marketplace\n          state\n          stateChangedAt\n          atRiskDeadline\n          content {\n            name\n          }\n          pendingRevision {\n            number\n            status\n          }\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.MyPartnerAppsDocument,
    "query MyListings($first: Int = 50, $after: String) {\n  myListings(first: $first, after: $after) {\n    edges {\n      node {\n        id\n        marketplace\n        state\n        stateChangedAt\n        content {\n          name\n        }\n        pendingRevision {\n          number\n          status\n          name\n        }\n        app {\n          name\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.MyListingsDocument,
    "query PartnerBasics($id: ID, $slug: String) {\n  partner(id: $id, slug: $slug) {\n    id\n    slug\n    name\n    website\n    tier\n    createdAt\n  }\n}": typeof types.PartnerBasicsDocument,
    "query DashboardViewer {\n  viewer {\n    role\n    fedrampCleared\n    partner {\n      id\n      slug\n      name\n      tier\n    }\n    staffUser {\n      id\n      name\n      role\n    }\n  }\n}": typeof types.DashboardViewerDocument,
    "query StaffPartners($first: Int = 50, $after: String) {\n  partners(first: $first, after: $after) {\n    edges {\n      node {\n        id\n        slug\n        name\n        tier\n        website\n        createdAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.StaffPartnersDocument,
    "query ProgramPolicy($year: Int) {\n  programPolicy(year: $year) {\n    id\n    year\n    version\n    locked\n    feePolicy\n    atRiskNoticeDays\n    lowUsageMinActiveCustomers\n    lowUsageWindowMonths\n    tiers {\n      key\n      name\n      rank\n      invitationOnly\n      minLiveApps\n      minActiveCustomers\n      minLeadsSent\n      minWinRate\n      minRetention\n      maxResponseHours\n      requiresBidirectional\n    }\n  }\n}": typeof types.ProgramPolicyDocument,
    "query StaffUsers {\n  staffUsers {\n    id\n    name\n    email\n    role\n    fedrampCleared\n  }\n}": typeof types.StaffUsersDocument,
};
const documents: Documents = {
    "query Categories {\n  categories {\n    id\n    slug\n    name\n  }\n}": types.CategoriesDocument,
    "fragment ListingCard on Listing {\n  id\n  marketplace\n  state\n  content {\n    name\n    tagline\n    categories {\n      slug\n      name\n    }\n  }\n  partner {\n    id\n    slug\n    name\n    tier\n  }\n  app {\n    id\n    dataFlow\n  }\n}": types.ListingCardFragmentDoc,
    "query ListingDetail($id: ID!) {\n  node(id: $id) {\n    __typename\n    ... on Listing {\n      ...ListingCard\n      firstLiveAt\n      content {\n        summary\n        howItWorks\n        features\n        screenshots\n        videoUrl\n        websiteUrl\n        learnMoreUrl\n        contactKind\n      }\n      partner {\n        website\n      }\n      app {\n        name\n        kind\n      }\n    }\n  }\n}": types.ListingDetailDocument,
    "query MarketplaceListings($marketplace: Marketplace = COMMERCIAL, $first: Int = 20, $after: String) {\n  listings(marketplace: $marketplace, first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        ...ListingCard\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.MarketplaceListingsDocument,
    "query MyPartnerApps($first: Int = 20, $after: String, $months: Int = 12) {\n  apps(first: $first, after: $after) {\n    edges {\n      node {\n        id\n        name\n        kind\n        dataFlow\n        status\n        launchedAt\n        validations {\n          id\n          marketplace\n          purpose\n          attempt\n          status\n          requestedAt\n          completedAt\n          integrationManager {\n            name\n          }\n          checks {\n            kind\n            passed\n            notes\n            recordedAt\n          }\n        }\n        usage(months: $months) {\n          month\n          activeCustomers\n          installs\n          uninstalls\n          pushCalls\n          pullCalls\n        }\n        listings {\n          id\n          marketplace\n          state\n          stateChangedAt\n          atRiskDeadline\n          content {\n            name\n          }\n          pendingRevision {\n            number\n            status\n          }\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.MyPartnerAppsDocument,
    "query MyListings($first: Int = 50, $after: String) {\n  myListings(first: $first, after: $after) {\n    edges {\n      node {\n        id\n        marketplace\n        state\n        stateChangedAt\n        content {\n          name\n        }\n        pendingRevision {\n          number\n          status\n          name\n        }\n        app {\n          name\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.MyListingsDocument,
    "query PartnerBasics($id: ID, $slug: String) {\n  partner(id: $id, slug: $slug) {\n    id\n    slug\n    name\n    website\n    tier\n    createdAt\n  }\n}": types.PartnerBasicsDocument,
    "query DashboardViewer {\n  viewer {\n    role\n    fedrampCleared\n    partner {\n      id\n      slug\n      name\n      tier\n    }\n    staffUser {\n      id\n      name\n      role\n    }\n  }\n}": types.DashboardViewerDocument,
    "query StaffPartners($first: Int = 50, $after: String) {\n  partners(first: $first, after: $after) {\n    edges {\n      node {\n        id\n        slug\n        name\n        tier\n        website\n        createdAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.StaffPartnersDocument,
    "query ProgramPolicy($year: Int) {\n  programPolicy(year: $year) {\n    id\n    year\n    version\n    locked\n    feePolicy\n    atRiskNoticeDays\n    lowUsageMinActiveCustomers\n    lowUsageWindowMonths\n    tiers {\n      key\n      name\n      rank\n      invitationOnly\n      minLiveApps\n      minActiveCustomers\n      minLeadsSent\n      minWinRate\n      minRetention\n      maxResponseHours\n      requiresBidirectional\n    }\n  }\n}": types.ProgramPolicyDocument,
    "query StaffUsers {\n  staffUsers {\n    id\n    name\n    email\n    role\n    fedrampCleared\n  }\n}": types.StaffUsersDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Categories {\n  categories {\n    id\n    slug\n    name\n  }\n}"): (typeof documents)["query Categories {\n  categories {\n    id\n    slug\n    name\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment ListingCard on Listing {\n  id\n  marketplace\n  state\n  content {\n    name\n    tagline\n    categories {\n      slug\n      name\n    }\n  }\n  partner {\n    id\n    slug\n    name\n    tier\n  }\n  app {\n    id\n    dataFlow\n  }\n}"): (typeof documents)["fragment ListingCard on Listing {\n  id\n  marketplace\n  state\n  content {\n    name\n    tagline\n    categories {\n      slug\n      name\n    }\n  }\n  partner {\n    id\n    slug\n    name\n    tier\n  }\n  app {\n    id\n    dataFlow\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ListingDetail($id: ID!) {\n  node(id: $id) {\n    __typename\n    ... on Listing {\n      ...ListingCard\n      firstLiveAt\n      content {\n        summary\n        howItWorks\n        features\n        screenshots\n        videoUrl\n        websiteUrl\n        learnMoreUrl\n        contactKind\n      }\n      partner {\n        website\n      }\n      app {\n        name\n        kind\n      }\n    }\n  }\n}"): (typeof documents)["query ListingDetail($id: ID!) {\n  node(id: $id) {\n    __typename\n    ... on Listing {\n      ...ListingCard\n      firstLiveAt\n      content {\n        summary\n        howItWorks\n        features\n        screenshots\n        videoUrl\n        websiteUrl\n        learnMoreUrl\n        contactKind\n      }\n      partner {\n        website\n      }\n      app {\n        name\n        kind\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MarketplaceListings($marketplace: Marketplace = COMMERCIAL, $first: Int = 20, $after: String) {\n  listings(marketplace: $marketplace, first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        ...ListingCard\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query MarketplaceListings($marketplace: Marketplace = COMMERCIAL, $first: Int = 20, $after: String) {\n  listings(marketplace: $marketplace, first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        ...ListingCard\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MyPartnerApps($first: Int = 20, $after: String, $months: Int = 12) {\n  apps(first: $first, after: $after) {\n    edges {\n      node {\n        id\n        name\n        kind\n        dataFlow\n        status\n        launchedAt\n        validations {\n          id\n          marketplace\n          purpose\n          attempt\n          status\n          requestedAt\n          completedAt\n          integrationManager {\n            name\n          }\n          checks {\n            kind\n            passed\n            notes\n            recordedAt\n          }\n        }\n        usage(months: $months) {\n          month\n          activeCustomers\n          installs\n          uninstalls\n          pushCalls\n          pullCalls\n        }\n        listings {\n          id\n          marketplace\n          state\n          stateChangedAt\n          atRiskDeadline\n          content {\n            name\n          }\n          pendingRevision {\n            number\n            status\n          }\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query MyPartnerApps($first: Int = 20, $after: String, $months: Int = 12) {\n  apps(first: $first, after: $after) {\n    edges {\n      node {\n        id\n        name\n        kind\n        dataFlow\n        status\n        launchedAt\n        validations {\n          id\n          marketplace\n          purpose\n          attempt\n          status\n          requestedAt\n          completedAt\n          integrationManager {\n            name\n          }\n          checks {\n            kind\n            passed\n            notes\n            recordedAt\n          }\n        }\n        usage(months: $months) {\n          month\n          activeCustomers\n          installs\n          uninstalls\n          pushCalls\n          pullCalls\n        }\n        listings {\n          id\n          marketplace\n          state\n          stateChangedAt\n          atRiskDeadline\n          content {\n            name\n          }\n          pendingRevision {\n            number\n            status\n          }\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MyListings($first: Int = 50, $after: String) {\n  myListings(first: $first, after: $after) {\n    edges {\n      node {\n        id\n        marketplace\n        state\n        stateChangedAt\n        content {\n          name\n        }\n        pendingRevision {\n          number\n          status\n          name\n        }\n        app {\n          name\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query MyListings($first: Int = 50, $after: String) {\n  myListings(first: $first, after: $after) {\n    edges {\n      node {\n        id\n        marketplace\n        state\n        stateChangedAt\n        content {\n          name\n        }\n        pendingRevision {\n          number\n          status\n          name\n        }\n        app {\n          name\n        }\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query PartnerBasics($id: ID, $slug: String) {\n  partner(id: $id, slug: $slug) {\n    id\n    slug\n    name\n    website\n    tier\n    createdAt\n  }\n}"): (typeof documents)["query PartnerBasics($id: ID, $slug: String) {\n  partner(id: $id, slug: $slug) {\n    id\n    slug\n    name\n    website\n    tier\n    createdAt\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query DashboardViewer {\n  viewer {\n    role\n    fedrampCleared\n    partner {\n      id\n      slug\n      name\n      tier\n    }\n    staffUser {\n      id\n      name\n      role\n    }\n  }\n}"): (typeof documents)["query DashboardViewer {\n  viewer {\n    role\n    fedrampCleared\n    partner {\n      id\n      slug\n      name\n      tier\n    }\n    staffUser {\n      id\n      name\n      role\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query StaffPartners($first: Int = 50, $after: String) {\n  partners(first: $first, after: $after) {\n    edges {\n      node {\n        id\n        slug\n        name\n        tier\n        website\n        createdAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query StaffPartners($first: Int = 50, $after: String) {\n  partners(first: $first, after: $after) {\n    edges {\n      node {\n        id\n        slug\n        name\n        tier\n        website\n        createdAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ProgramPolicy($year: Int) {\n  programPolicy(year: $year) {\n    id\n    year\n    version\n    locked\n    feePolicy\n    atRiskNoticeDays\n    lowUsageMinActiveCustomers\n    lowUsageWindowMonths\n    tiers {\n      key\n      name\n      rank\n      invitationOnly\n      minLiveApps\n      minActiveCustomers\n      minLeadsSent\n      minWinRate\n      minRetention\n      maxResponseHours\n      requiresBidirectional\n    }\n  }\n}"): (typeof documents)["query ProgramPolicy($year: Int) {\n  programPolicy(year: $year) {\n    id\n    year\n    version\n    locked\n    feePolicy\n    atRiskNoticeDays\n    lowUsageMinActiveCustomers\n    lowUsageWindowMonths\n    tiers {\n      key\n      name\n      rank\n      invitationOnly\n      minLiveApps\n      minActiveCustomers\n      minLeadsSent\n      minWinRate\n      minRetention\n      maxResponseHours\n      requiresBidirectional\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query StaffUsers {\n  staffUsers {\n    id\n    name\n    email\n    role\n    fedrampCleared\n  }\n}"): (typeof documents)["query StaffUsers {\n  staffUsers {\n    id\n    name\n    email\n    role\n    fedrampCleared\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;