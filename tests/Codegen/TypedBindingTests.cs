using Infra.Components.Core;
using Infra.Providers;
using Infra.Providers.Aws.Ec2;
using Infra.Providers.Command.Local;
using Infra.Providers.Docker;
using Infra.Providers.Kubernetes.Apps.V1;
using Infra.Providers.Kubernetes.Meta.V1;
using Infra.Providers.Random;
using Infra.Tests.Schema;
using K8s = Infra.Providers.Kubernetes.Core.V1;

namespace Infra.Tests.Codegen;

/// <summary>
/// What the compiler cannot check about the generated bindings: the run-time guards on literals, the order keys are
/// emitted in, the constants the constructors set, the outputs, and that programs built from them pass the schemas.
/// </summary>
public class TypedBindingTests
{
    private static ComponentGroup Group() => new(new StackProgram("platform", "test"), "sys");

    [Fact]
    public void A_literal_of_the_wrong_kind_is_refused_when_the_input_is_made()
    {
        var text = Assert.Throws<SynthesisException>(() => new Container { Image = "nginx", Memory = (Value)new Str("512m") });
        Assert.Contains("text literal cannot be an input of type Int32", text.Message);
        Assert.Throws<SynthesisException>(() => new Network { Internal = (Value)new Num(1) });
        Assert.Throws<SynthesisException>(() => new RandomPassword { Length = (Value)new Bool(true) });
        Assert.Throws<SynthesisException>(() => new Command { Logging = (Value)new Num(2) });
    }

    [Fact]
    public void A_null_literal_is_refused_and_Optional_leaves_the_property_unset()
    {
        string? missing = null;
        Assert.Throws<SynthesisException>(() => new RemoteImage { Name = missing! });
        var build = new DockerBuild { Context = ".", Dockerfile = Input.Optional(missing) };
        Assert.Equal(["context"], ((MapValue)build.ToValue()).Entries.Select(e => e.Key));
    }

    [Fact]
    public void Expressions_and_enums_are_accepted()
    {
        var g = Group();
        var net = g.Add("net", new Network { Name = "n" });
        var c = new Container { Image = Value.Format($"registry/{net.Outputs.Name}"), Memory = net.Outputs.Resource.Out<int>("x"), Envs = [net.Outputs.Name] };
        Assert.IsType<Infra.Components.Core.Interpolation>(c.ToValue() is MapValue m ? m["image"] : null);
        var cmd = new Command { Create = "echo hi", Logging = Logging.StdoutAndStderr };
        Assert.Equal(new Str("stdoutAndStderr"), ((MapValue)cmd.ToValue())["logging"]);
    }

    [Fact]
    public void Keys_follow_the_order_properties_are_set_and_empty_or_null_ones_stay_absent()
    {
        var r = Group().Add("c", new Container
        {
            Name = "api",
            Image = "nginx",
            Command = [],
            Healthcheck = null,
            MustRun = true,
            Labels = [new ContainerLabel { Label = "a", Value = "b" }],
            Envs = ["A=1"],
        });
        Assert.Equal(["name", "image", "mustRun", "labels", "envs"], r.Properties.Select(p => p.Key));
        Assert.Equal("docker:index/container:Container", r.Type);
    }

    [Fact]
    public void Kubernetes_apiVersion_and_kind_are_set_by_the_constructor_and_not_settable()
    {
        var d = Group().Add("web", WebDeployment());
        Assert.Equal(["apiVersion", "kind", "metadata", "spec"], d.Properties.Select(p => p.Key));
        Assert.Equal(new Str("apps/v1"), d.Properties.Get("apiVersion"));
        Assert.Null(typeof(Deployment).GetProperty("ApiVersion"));
        // The schema's requiredInputs become C# `required` members.
        Assert.True(typeof(Deployment).GetProperty(nameof(Deployment.Spec))!.IsDefined(typeof(System.Runtime.CompilerServices.RequiredMemberAttribute), false));
        Assert.False(typeof(Deployment).GetProperty(nameof(Deployment.Metadata))!.IsDefined(typeof(System.Runtime.CompilerServices.RequiredMemberAttribute), false));
    }

    [Fact]
    public void Outputs_carry_their_path_and_the_schemas_secret_flag()
    {
        var g = Group();
        var pw = g.Add("pw", new RandomPassword { Length = 16 });
        Assert.Equal(new Output<string>(pw, "result", Secret: true), pw.Outputs.Result);
        var net = g.Add("net", new Network { Name = "n" });
        Assert.Equal(new Output<string>(net, "name"), net.Outputs.Name);
        Assert.Same(net, net.Outputs.Resource);
    }

    [Fact]
    public void Every_generated_provider_is_its_packages_provider_token()
    {
        foreach (var package in ProviderPackages.Names)
            Assert.Equal("pulumi:providers:" + package, ProviderPackages.NewProvider(package).Token);
        Assert.Throws<SynthesisException>(() => ProviderPackages.NewProvider("nope"));
    }

    [Fact]
    public void Programs_built_from_kubernetes_and_aws_bindings_pass_the_schemas()
    {
        var p = new StackProgram("platform", "test");
        var g = new ComponentGroup(p, "sys");
        g.Add("web", WebDeployment());
        g.Add("web-svc", new K8s.Service
        {
            Metadata = new ObjectMeta { Name = "web" },
            Spec = new K8s.ServiceSpec
            {
                Selector = new Dictionary<string, Input<string>> { ["app"] = "web" },
                Ports = [new K8s.ServicePort { Port = 80, TargetPort = "http" }, new K8s.ServicePort { Port = 81, TargetPort = 8081 }],
            },
        });
        var vpc = g.Add("vpc", new Vpc { CidrBlock = "10.0.0.0/16", EnableDnsHostnames = true, Tags = new Dictionary<string, Input<string>> { ["Name"] = "main" } });
        g.Add("subnet", new Subnet { VpcId = vpc.Id, CidrBlock = "10.0.1.0/24", MapPublicIpOnLaunch = false });
        var errors = new SchemaValidator(ProviderSchemas.Shared).Validate(ProgramEmitter.Emit(p));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    private static Deployment WebDeployment()
    {
        var labels = new Dictionary<string, Input<string>> { ["app"] = "web" };
        return new Deployment
        {
            Metadata = new ObjectMeta { Name = "web" },
            Spec = new DeploymentSpec
            {
                Replicas = 2,
                Selector = new LabelSelector { MatchLabels = labels },
                Template = new K8s.PodTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = labels },
                    Spec = new K8s.PodSpec
                    {
                        Containers = [new K8s.Container { Name = "web", Image = "nginx:1.27", Ports = [new K8s.ContainerPort { ContainerPortProperty = 80, Name = "http" }] }],
                    },
                },
            },
        };
    }
}
