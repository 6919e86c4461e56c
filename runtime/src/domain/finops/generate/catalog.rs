//! What a generated account is made of: cloud providers, their services with the instance
//! families they bill (and an hourly price each), and application names.

/// A cloud service and the instance families it bills, with their prices in $/hr.
pub struct Service {
    /// `Cloud_Service` as `data.csv` writes it.
    pub name: &'static str,
    /// Instance families and their list prices.
    pub families: &'static [(&'static str, f64)],
}

/// A cloud provider and its services.
pub struct Csp {
    /// `CSP` as `data.csv` writes it.
    pub name: &'static str,
    /// Its services.
    pub services: &'static [Service],
}

/// The providers an account draws from.
pub const CSPS: &[Csp] = &[
    Csp {
        name: "AWS",
        services: &[
            Service {
                name: "EC2",
                families: &[
                    ("m5.xlarge", 0.192),
                    ("c6i.2xlarge", 0.34),
                    ("r6g.large", 0.1008),
                    ("t3.medium", 0.0416),
                    ("m6i.4xlarge", 0.768),
                    ("c5.xlarge", 0.17),
                    ("g5.xlarge", 1.006),
                ],
            },
            Service {
                name: "RDS",
                families: &[
                    ("db.r6g.large", 0.225),
                    ("db.m5.xlarge", 0.342),
                    ("db.t3.medium", 0.068),
                    ("db.r5.2xlarge", 1.0),
                    ("db.m6g.large", 0.152),
                ],
            },
        ],
    },
    Csp {
        name: "Azure",
        services: &[
            Service {
                name: "Virtual Machines",
                families: &[
                    ("Standard_D4s_v5", 0.192),
                    ("Standard_E8s_v5", 0.504),
                    ("Standard_F4s_v2", 0.169),
                    ("Standard_B2ms", 0.0832),
                    ("Standard_D16s_v5", 0.768),
                    ("Standard_NC6s_v3", 3.06),
                ],
            },
            Service {
                name: "AKS",
                families: &[
                    ("Standard_D8s_v5", 0.384),
                    ("Standard_D2s_v5", 0.096),
                    ("Standard_E4s_v5", 0.252),
                    ("Standard_F8s_v2", 0.338),
                    ("Standard_L8s_v3", 0.624),
                ],
            },
        ],
    },
    Csp {
        name: "GCP",
        services: &[
            Service {
                name: "Compute Engine",
                families: &[
                    ("n2-standard-4", 0.1942),
                    ("e2-standard-8", 0.2681),
                    ("c2-standard-16", 0.8352),
                    ("n2d-highmem-4", 0.2276),
                    ("t2d-standard-8", 0.3380),
                    ("a2-highgpu-1g", 3.6733),
                ],
            },
            Service {
                name: "Cloud SQL",
                families: &[
                    ("db-custom-4-16384", 0.3464),
                    ("db-n1-standard-2", 0.1300),
                    ("db-n1-highmem-4", 0.3060),
                    ("db-custom-8-32768", 0.6928),
                    ("db-g1-small", 0.0350),
                ],
            },
        ],
    },
];

/// Application names (the `Application` column).
pub const APPS: &[&str] = &[
    "checkout-api",
    "billing-batch",
    "search-index",
    "ml-training",
    "web-frontend",
    "data-lake-etl",
    "auth-service",
    "reporting",
    "media-transcode",
    "recommendations",
    "log-pipeline",
    "inventory-db",
    "fraud-scoring",
    "customer-portal",
    "event-stream",
    "geo-routing",
];
