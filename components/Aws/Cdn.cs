using Infra.Components.Core;
using Infra.Providers.Aws.Acm;
using Infra.Providers.Aws.Cloudfront;

namespace Infra.Components.Aws;

public sealed record CdnArgs
{
    public required string Prefix { get; init; }
    /// <summary>The public host name viewers use (the certificate's subject).</summary>
    public required string Domain { get; init; }
    /// <summary>The host name CloudFront connects to over HTTPS (the public entry point's load balancer).</summary>
    public required string Origin { get; init; }
    /// <summary>An aws provider for us-east-1: CloudFront only takes certificates from there.</summary>
    public required Resource UsEast1 { get; init; }
}

/// <summary>
/// CloudFront in front of the public entry point: viewers are redirected to HTTPS, TLS 1.2 or newer
/// (<c>TLSv1.2_2021</c>) with an ACM certificate for the domain (DNS-validated, in us-east-1), and the origin is
/// reached over HTTPS with TLS 1.2 only. The distribution waits for the certificate to be issued: add the validation
/// CNAME the stack exports to the domain's zone.
/// </summary>
public sealed class Cdn : Construct
{
    public const string MinimumProtocolVersion = "TLSv1.2_2021";
    /// <summary>AWS managed policies: CachingDisabled (an API answers per request) and AllViewerExceptHostHeader.</summary>
    public const string CachingDisabledPolicyId = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
    public const string AllViewerExceptHostHeaderPolicyId = "b689b0a8-53d0-40ab-baf2-68738e2966ac";

    public Cdn(Construct parent, string name, CdnArgs args) : base(parent, name)
    {
        var cert = Add("certificate", new Certificate
        {
            DomainName = args.Domain,
            ValidationMethod = "DNS",
            KeyAlgorithm = "EC_prime256v1",
            Tags = Tagging.Name(args.Domain),
        });
        cert.Options.Provider = args.UsEast1;
        var validation = Add("certificate-validation", new CertificateValidation { CertificateArn = cert.Outputs.Arn });
        validation.Options.Provider = args.UsEast1;
        validation.Options.CustomTimeouts = new CustomTimeouts(Create: "2h");
        ValidationRecord = cert.Out<object>("domainValidationOptions");

        const string originId = "entry";
        var dist = Add("distribution", new Distribution
        {
            Enabled = true,
            Comment = $"{args.Prefix} public entry",
            Aliases = [args.Domain],
            IsIpv6Enabled = true,
            HttpVersion = "http2and3",
            PriceClass = "PriceClass_100",
            Origins =
            [
                new DistributionOrigin
                {
                    OriginId = originId,
                    DomainName = args.Origin,
                    CustomOriginConfig = new DistributionOriginCustomOriginConfig
                    {
                        HttpPort = 80,
                        HttpsPort = 443,
                        OriginProtocolPolicy = "https-only",
                        OriginSslProtocols = ["TLSv1.2"],
                    },
                },
            ],
            DefaultCacheBehavior = new DistributionDefaultCacheBehavior
            {
                TargetOriginId = originId,
                ViewerProtocolPolicy = "redirect-to-https",
                AllowedMethods = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
                CachedMethods = ["GET", "HEAD"],
                Compress = true,
                CachePolicyId = CachingDisabledPolicyId,
                OriginRequestPolicyId = AllViewerExceptHostHeaderPolicyId,
            },
            Restrictions = new DistributionRestrictions { GeoRestriction = new DistributionRestrictionsGeoRestriction { RestrictionType = "none" } },
            ViewerCertificate = new DistributionViewerCertificate
            {
                AcmCertificateArn = validation.Outputs.CertificateArn,
                SslSupportMethod = "sni-only",
                MinimumProtocolVersion = MinimumProtocolVersion,
            },
            Tags = Tagging.Name(args.Domain),
        });
        DomainName = dist.Outputs.DomainName;
        Distribution = dist;
    }

    public override string Kind => "CDN (CloudFront)";
    public Resource Distribution { get; }
    public Output<string> DomainName { get; }
    /// <summary>The DNS records that validate the certificate (name, type, value), exported for the operator.</summary>
    public Output<object> ValidationRecord { get; }
}
