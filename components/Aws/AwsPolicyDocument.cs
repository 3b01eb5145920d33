using Infra.Components.Core;

namespace Infra.Components.Aws;

/// <summary>
/// IAM policy documents as program values: a map rendered by <c>fn::toJSON</c>, so resource ARNs stay references.
/// Every statement names its actions and resources; nothing here allows <c>*</c> on <c>*</c> (tests/Aws asserts it).
/// </summary>
public static class AwsPolicyDocument
{
    public const string Version = "2012-10-17";

    /// <summary>One statement: effect, actions, resources, and an optional condition or principal.</summary>
    public static Value Statement(string effect, IEnumerable<string> actions, IEnumerable<Value> resources, Value? principal = null, Value? condition = null, string? sid = null)
    {
        var p = new Props();
        if (sid is not null) p["Sid"] = sid;
        p["Effect"] = effect;
        if (principal is not null) p["Principal"] = principal;
        p["Action"] = Value.Strings(actions);
        p["Resource"] = Value.List(resources);
        if (condition is not null) p["Condition"] = condition;
        return p;
    }

    /// <summary>A policy document: <c>{"Version": "2012-10-17", "Statement": [...]}</c> as <c>fn::toJSON</c>.</summary>
    public static Value Json(params Value[] statements) => new FnCall("toJSON", new Props { ["Version"] = Version, ["Statement"] = Value.List(statements) });

    /// <summary>A trust policy letting an AWS service assume the role.</summary>
    public static Value ServiceTrust(string service) => new FnCall("toJSON", new Props
    {
        ["Version"] = Version,
        ["Statement"] = Value.List(new Props
        {
            ["Effect"] = "Allow",
            ["Principal"] = new Props { ["Service"] = service },
            ["Action"] = Value.Strings(["sts:AssumeRole"]),
        }),
    });

    /// <summary>
    /// A trust policy for IRSA: only the one Kubernetes service account may assume the role, through the cluster's
    /// OIDC provider. The condition keys start with the issuer's host, which is only known after the cluster exists,
    /// and a map key cannot be an expression, so the document is joined from text and the host
    /// (<c>fn::select [1, fn::split ["https://", issuer]]</c>).
    /// </summary>
    public static Value WebIdentityTrust(Value providerArn, Value issuerUrl, string serviceAccountNamespace, string serviceAccount)
    {
        var host = new FnCall("select", Value.List(1, new FnCall("split", Value.List("https://", issuerUrl))));
        return new FnCall("join", Value.List("", Value.List(
            "{\"Version\":\"" + Version + "\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"",
            providerArn,
            "\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":{\"StringEquals\":{\"",
            host,
            $":sub\":\"system:serviceaccount:{serviceAccountNamespace}:{serviceAccount}\",\"",
            host,
            ":aud\":\"sts.amazonaws.com\"}}}]}")));
    }
}
