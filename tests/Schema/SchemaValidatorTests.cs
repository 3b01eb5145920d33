namespace Infra.Tests.Schema;

public class SchemaValidatorTests
{
    private static readonly SchemaValidator Validator = new(ProviderSchemas.Shared);

    private static IReadOnlyList<SchemaError> Validate(string yaml) => Validator.Validate(yaml);

    private static string Show(IEnumerable<SchemaError> errors) => string.Join("\n", errors);

    private static void AssertNoErrors(string yaml)
    {
        var errors = Validate(yaml);
        Assert.True(errors.Count == 0, "expected no errors, got:\n" + Show(errors));
    }

    /// <summary>Exactly one finding, at <paramref name="path"/>, whose message contains every fragment.</summary>
    private static SchemaError AssertSingleError(string yaml, string path, params string[] fragments)
    {
        var errors = Validate(yaml);
        Assert.True(errors.Count == 1, $"expected exactly one error, got {errors.Count}:\n" + Show(errors));
        var e = errors[0];
        Assert.Equal(path, e.Path);
        foreach (var f in fragments) Assert.Contains(f, e.Message);
        return e;
    }

    private static string Docker(string resources) => $"""
        name: shop
        resources:
          net:
            type: docker:Network
            properties:
              name: shop-net
        {resources}
        """;

    private const string ValidDockerProgram = """
        name: shop
        description: Shop stack
        config:
          dbPassword:
            type: string
            secret: true
          replicas:
            type: integer
            default: 2
          tags:
            type: List<String>
            default: [a, b]
        variables:
          imageName: nginx:1.27
        resources:
          net:
            type: docker:Network
            properties:
              name: shop-net
              labels:
                - label: team
                  value: core
          data:
            type: docker:index:Volume
            properties:
              name: shop-data
            options:
              protect: true
              retainOnDelete: true
          img:
            type: docker:index/remoteImage:RemoteImage
            properties:
              name: ${imageName}
              keepLocally: true
          pw:
            type: random:RandomPassword
            properties:
              length: 24
              special: false
          api:
            type: docker:Container
            name: shop-api-1
            properties:
              image: ${img.imageId}
              restart: unless-stopped
              envs:
                - DB_PASSWORD=${pw.result}
                - "REPLICAS=${replicas}"
                - HOME_LITERAL=$$HOME and a lone $ sign
                - STACK=${pulumi.stack}
              ports:
                - internal: 8080
                  external: 18080
                  protocol: tcp
              healthcheck:
                tests: ["CMD", "curl", "-f", "http://localhost:8080/health"]
                interval: 10s
                retries: 3
              uploads:
                - file: /etc/app/config.json
                  content:
                    fn::toJSON:
                      password: ${dbPassword}
                      network: ${net.name}
              networksAdvanced:
                - name: ${net.name}
                  aliases: [api]
              volumes:
                - volumeName: ${data.name}
                  containerPath: /data
                  readOnly: false
              labels:
                - label: version
                  value: "1.0"
            options:
              dependsOn: ["${net}", "${data}"]
              protect: false
              deleteBeforeReplace: true
              ignoreChanges: [envs]
              additionalSecretOutputs: [envs]
              customTimeouts:
                create: 10m
                delete: 1h30m
        outputs:
          apiPort: ${api.ports[0].external}
          apiName: ${api.name}
          netId: ${net.id}
        """;

    [Fact]
    public void ValidDockerProgram_HasNoErrors() => AssertNoErrors(ValidDockerProgram);

    [Fact]
    public void ProviderSchemas_ResolveShortForms()
    {
        var s = ProviderSchemas.Shared;
        Assert.True(s.TryResolveResource("docker:Container", out var c1));
        Assert.Equal("docker:index/container:Container", c1);
        Assert.True(s.TryResolveResource("docker:index:Container", out var c2));
        Assert.Equal("docker:index/container:Container", c2);
        Assert.True(s.TryResolveResource("docker:container", out var c3));
        Assert.Equal("docker:index/container:Container", c3);
        Assert.True(s.TryResolveResource("aws:s3:Bucket", out var c4));
        Assert.Equal("aws:s3/bucket:Bucket", c4);
        Assert.True(s.TryResolveResource("kubernetes:apps/v1:Deployment", out var c5));
        Assert.Equal("kubernetes:apps/v1:Deployment", c5);
        Assert.True(s.TryResolveResource("pulumi:providers:docker", out var c6));
        Assert.Equal("pulumi:providers:docker", c6);
        Assert.False(s.TryResolveResource("docker:Bogus", out _));
        Assert.False(s.TryResolveResource("nope:Thing", out _));
    }

    [Fact]
    public void UnknownTypeToken_IsReported()
    {
        AssertSingleError(Docker("""
              thing:
                type: docker:Contaner
            """), "resources.thing.type", "unknown resource type 'docker:Contaner'");
    }

    [Fact]
    public void UnknownPackage_IsReported()
    {
        AssertSingleError(Docker("""
              thing:
                type: gcp:compute:Instance
            """), "resources.thing.type", "unknown package 'gcp'");
    }

    [Fact]
    public void ShortFormToken_ResolvesAndIsChecked()
    {
        // Short form must resolve to docker:index/remoteImage:RemoteImage, whose required input 'name' is then enforced.
        AssertSingleError(Docker("""
              img:
                type: docker:remoteImage
                properties:
                  keepLocally: true
            """), "resources.img.properties", "missing required property 'name' of docker:index/remoteImage:RemoteImage");
    }

    [Fact]
    public void UnknownNestedProperty_IsReported()
    {
        var e = AssertSingleError(Docker("""
              api:
                type: docker:Container
                properties:
                  image: nginx
                  ports:
                    - internal: 80
                      externl: 8080
            """), "resources.api.properties.ports[0].externl", "unknown property 'externl' on docker:index/ContainerPort:ContainerPort");
        Assert.Contains("external", e.Message);
    }

    [Fact]
    public void QuotedNumber_ForIntegerProperty_IsReported()
    {
        AssertSingleError(Docker("""
              api:
                type: docker:Container
                properties:
                  image: nginx
                  ports:
                    - internal: "80"
            """), "resources.api.properties.ports[0].internal", "expected integer", "string \"80\"");
    }

    [Fact]
    public void FractionalNumber_ForIntegerProperty_IsReported()
    {
        AssertSingleError(Docker("""
              api:
                type: docker:Container
                properties:
                  image: nginx
                  ports:
                    - internal: 80.5
            """), "resources.api.properties.ports[0].internal", "expected integer", "number 80.5");
    }

    [Fact]
    public void PureExpression_ForIntegerProperty_IsAccepted_ButInterpolationIsNot()
    {
        AssertNoErrors("""
            config:
              port: {type: integer}
            resources:
              api:
                type: docker:Container
                properties:
                  image: nginx
                  ports:
                    - internal: ${port}
            """);
        AssertSingleError("""
            config:
              port: {type: integer}
            resources:
              api:
                type: docker:Container
                properties:
                  image: nginx
                  ports:
                    - internal: 1${port}
            """, "resources.api.properties.ports[0].internal", "expected integer", "interpolated string");
    }

    [Fact]
    public void ListGivenForString_IsReported()
    {
        AssertSingleError(Docker("""
              api:
                type: docker:Container
                properties:
                  image: [nginx]
            """), "resources.api.properties.image", "expected string, got a list");
    }

    [Fact]
    public void MissingRequiredInput_IsReported()
    {
        AssertSingleError(Docker("""
              api:
                type: docker:Container
                properties:
                  restart: always
            """), "resources.api.properties", "missing required property 'image' of docker:index/container:Container");
    }

    [Fact]
    public void MissingRequiredNestedField_IsReported()
    {
        AssertSingleError(Docker("""
              api:
                type: docker:Container
                properties:
                  image: nginx
                  ports:
                    - external: 8080
            """), "resources.api.properties.ports[0]", "missing required property 'internal' of docker:index/ContainerPort:ContainerPort");
    }

    [Fact]
    public void DanglingReference_IsReported()
    {
        AssertSingleError(Docker("""
              api:
                type: docker:Container
                properties:
                  image: nginx
                  networksAdvanced:
                    - name: ${nope.id}
            """), "resources.api.properties.networksAdvanced[0].name", "'${nope.id}'", "\"nope\" not found");
    }

    [Fact]
    public void UnknownOutputProperty_IsReported()
    {
        AssertSingleError(Docker("""
            outputs:
              bad: ${net.bogus}
            """), "outputs.bad", "'bogus' is not an output property of docker:index/network:Network");
    }

    [Fact]
    public void NestedOutputPath_IsFollowed()
    {
        AssertSingleError(Docker("""
              api:
                type: docker:Container
                properties:
                  image: nginx
                  ports: [{internal: 80}]
            outputs:
              ok: ${api.ports[0].external}
              bad: ${api.ports[0].exteral}
            """), "outputs.bad", "'exteral' is not a property of docker:index/ContainerPort:ContainerPort");
    }

    [Fact]
    public void UnknownOption_IsReported()
    {
        AssertSingleError(Docker("""
              vol:
                type: docker:Volume
                options:
                  protected: true
            """), "resources.vol.options.protected", "unknown resource option 'protected'");
    }

    [Fact]
    public void LiteralOnlyOption_GivenExpression_IsReported()
    {
        AssertSingleError(Docker("""
              vol:
                type: docker:Volume
                options:
                  retainOnDelete: ${net.internal}
            """), "resources.vol.options.retainOnDelete", "retainOnDelete must be a literal boolean");
    }

    [Fact]
    public void IgnoreChanges_WithExpression_IsReported()
    {
        AssertSingleError(Docker("""
              vol:
                type: docker:Volume
                options:
                  ignoreChanges: ["${net.name}"]
            """), "resources.vol.options.ignoreChanges[0]", "literals only");
    }

    [Fact]
    public void UnquotedVersion_IsReported()
    {
        AssertSingleError(Docker("""
              vol:
                type: docker:Volume
                options:
                  version: 5.4
            """), "resources.vol.options.version", "quoted string literal", "read as a number");
    }

    [Fact]
    public void ProviderOption_MustReferenceProviderResource()
    {
        AssertNoErrors("""
            resources:
              prov:
                type: pulumi:providers:docker
                properties:
                  host: unix:///var/run/docker.sock
              vol:
                type: docker:Volume
                options:
                  provider: ${prov}
            """);
        AssertSingleError(Docker("""
              vol:
                type: docker:Volume
                options:
                  provider: ${net}
            """), "resources.vol.options.provider", "not a provider");
    }

    [Fact]
    public void DependsOn_MustBeResourceReferences()
    {
        AssertSingleError(Docker("""
              vol:
                type: docker:Volume
                options:
                  dependsOn: ["${net}", "${ghost}"]
            """), "resources.vol.options.dependsOn[1]", "'ghost'", "is not a resource");
    }

    [Fact]
    public void AdditionalSecretOutputs_MustBeOutputNames()
    {
        AssertSingleError(Docker("""
              vol:
                type: docker:Volume
                options:
                  additionalSecretOutputs: [mountpoint, secretThing]
            """), "resources.vol.options.additionalSecretOutputs[1]", "'secretThing' is not an output property of docker:index/volume:Volume");
    }

    [Fact]
    public void AnchorAndAlias_AreReported()
    {
        var errors = Validate("""
            resources:
              a:
                type: docker:Volume
                properties: &props
                  name: shared
              b:
                type: docker:Volume
                properties: *props
            """);
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Path == "resources.a.properties" && e.Message.Contains("anchor '&props'"));
        Assert.Contains(errors, e => e.Path == "resources.b.properties" && e.Message.Contains("alias '*props'"));
    }

    [Fact]
    public void UnknownTopLevelKey_IsReported()
    {
        AssertSingleError(Docker("""
            sdks:
              - nodejs
            """), "sdks", "unknown top-level key 'sdks'");
        AssertSingleError(Docker("""
            Outputs:
              x: ${net.id}
            """), "Outputs", "did you mean 'outputs'");
    }

    [Fact]
    public void InvalidResourceKey_IsReported()
    {
        AssertSingleError(Docker("""
              vol:
                type: docker:Volume
                protect: true
            """), "resources.vol.protect", "invalid resource key 'protect'", "options");
    }

    [Fact]
    public void PropertiesAndGet_AreMutuallyExclusive()
    {
        AssertSingleError(Docker("""
              vol:
                type: docker:Volume
                properties: {name: x}
                get: {id: vol-1}
            """), "resources.vol", "mutually exclusive");
    }

    [Fact]
    public void UnknownFunction_IsReported()
    {
        AssertSingleError(Docker("""
            variables:
              v:
                fn::concat: [a, b]
            """), "variables.v.fn::concat", "unknown built-in function 'fn::concat'");
    }

    [Fact]
    public void FunctionArgumentShapes_AreChecked()
    {
        var errors = Validate(Docker("""
            variables:
              joined:
                fn::join: [",", "not-a-list"]
              picked:
                fn::select: ["0", [a, b]]
              img:
                fn::invoke:
                  function: docker:getRegistryImage
                  arguments: {name: "nginx:1.27"}
                  return: sha256Digest
              bad:
                fn::invoke:
                  function: docker:getNothing
            """));
        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.Path == "variables.joined.fn::join[1]" && e.Message.Contains("must be a list"));
        Assert.Contains(errors, e => e.Path == "variables.picked.fn::select[0]" && e.Message.Contains("non-negative integer"));
        Assert.Contains(errors, e => e.Path == "variables.bad.fn::invoke.function" && e.Message.Contains("unknown function 'docker:getNothing'"));
    }

    [Fact]
    public void InvokeReturn_MustBeAnOutput()
    {
        AssertSingleError(Docker("""
            variables:
              img:
                fn::invoke:
                  function: docker:getRegistryImage
                  arguments: {name: "nginx:1.27"}
                  return: digest
            """), "variables.img.fn::invoke.return", "'digest' does not exist on docker:getRegistryImage");
    }

    [Fact]
    public void AssetProperty_RequiresAssetFunction()
    {
        AssertNoErrors("""
            resources:
              fn:
                type: aws:lambda:Function
                properties:
                  role: arn:aws:iam::123456789012:role/x
                  code:
                    fn::fileArchive: ./app
            """);
        AssertSingleError("""
            resources:
              fn:
                type: aws:lambda:Function
                properties:
                  role: arn:aws:iam::123456789012:role/x
                  code: ./app.zip
            """, "resources.fn.properties.code", "expected an archive");
    }

    [Fact]
    public void EksCluster_ExternalAwsRefs_Resolve()
    {
        // aws:iam:Role via an external /aws/v7.14.0/schema.json#/resources ref; aws type via #/types ref.
        AssertNoErrors("""
            resources:
              role:
                type: aws:iam:Role
                properties:
                  assumeRolePolicy: "{}"
              cluster:
                type: eks:Cluster
                properties:
                  instanceRoles: ["${role}"]
                  nodeGroupOptions:
                    launchTemplateTagSpecifications:
                      - resourceType: instance
                        tags: {team: core}
            outputs:
              kubeconfig: ${cluster.kubeconfig}
            """);
        var errors = Validate("""
            resources:
              role:
                type: aws:iam:Role
                properties:
                  assumeRolePolicy: "{}"
              cluster:
                type: eks:index:Cluster
                properties:
                  instanceRoles: ["${cluster}"]
                  nodeGroupOptions:
                    launchTemplateTagSpecifications:
                      - resourceTyp: instance
            """);
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Path == "resources.cluster.properties.instanceRoles[0]"
                                     && e.Message.Contains("aws:iam/role:Role") && e.Message.Contains("eks:index:Cluster"));
        Assert.Contains(errors, e => e.Path == "resources.cluster.properties.nodeGroupOptions.launchTemplateTagSpecifications[0].resourceTyp"
                                     && e.Message.Contains("aws:ec2/LaunchTemplateTagSpecification:LaunchTemplateTagSpecification"));
    }

    [Fact]
    public void KubernetesDeployment_NestedContainerImage_IsChecked()
    {
        const string template = """
            resources:
              web:
                type: kubernetes:apps/v1:Deployment
                properties:
                  metadata: {name: web}
                  spec:
                    replicas: 2
                    selector:
                      matchLabels: {app: web}
                    template:
                      metadata:
                        labels: {app: web}
                      spec:
                        containers:
                          - name: web
                            image: IMAGE
                            ports:
                              - containerPort: 80
            """;
        AssertNoErrors(template.Replace("IMAGE", "nginx:1.27"));
        AssertSingleError(template.Replace("IMAGE", "{repo: nginx}"),
            "resources.web.properties.spec.template.spec.containers[0].image", "expected string, got a mapping");
    }

    [Fact]
    public void KubernetesDeployment_RequiresSpec()
    {
        AssertSingleError("""
            resources:
              web:
                type: kubernetes:apps/v1:Deployment
                properties:
                  metadata: {name: web}
            """, "resources.web.properties", "missing required property 'spec' of kubernetes:apps/v1:Deployment");
    }

    [Fact]
    public void DollarEscaping_IsNotAReference()
    {
        AssertNoErrors(Docker("""
              api:
                type: docker:Container
                properties:
                  image: nginx
                  command: ["sh", "-c", "echo $${NOT_A_REF} $$HOME $PATH"]
            """));
    }

    [Fact]
    public void UnterminatedInterpolation_IsReported()
    {
        AssertSingleError(Docker("""
              api:
                type: docker:Container
                properties:
                  image: "nginx:${net.name"
            """), "resources.api.properties.image", "unterminated interpolation");
    }

    [Fact]
    public void WholeResourceInsideLongerString_IsReported()
    {
        AssertSingleError(Docker("""
              api:
                type: docker:Container
                properties:
                  image: nginx
                  envs: ["NET=${net}"]
            """), "resources.api.properties.envs[0]", "inside a longer string");
    }

    [Fact]
    public void ConfigDeclarations_AreChecked()
    {
        var errors = Validate("""
            config:
              a: {type: strin}
              b: plain-value
              c: {type: integer, default: "2"}
              d: {type: List<String>, default: [x]}
              "aws:region": {type: string}
            outputs:
              r: ${aws:region}
              d: ${d}
              p: ${pulumi.project}
            """);
        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.Path == "config.a.type" && e.Message.Contains("invalid config type"));
        Assert.Contains(errors, e => e.Path == "config.b" && e.Message.Contains("must be a mapping"));
        Assert.Contains(errors, e => e.Path == "config.c.default" && e.Message.Contains("does not match type 'integer'"));
    }

    [Fact]
    public void DuplicateAndReservedKeys_AreReported()
    {
        var errors = Validate("""
            variables:
              net: x
              pulumi: y
            resources:
              net:
                type: docker:Network
              net:
                type: docker:Network
              bad.key:
                type: docker:Network
            """);
        Assert.True(errors.Any(e => e.Path == "resources.net" && e.Message.Contains("duplicate key 'net'")), Show(errors));
        Assert.True(errors.Any(e => e.Path == "variables.pulumi" && e.Message.Contains("reserved")), Show(errors));
        Assert.True(errors.Any(e => e.Path == "resources.net" && e.Message.Contains("share one namespace")), Show(errors));
        Assert.True(errors.Any(e => e.Path == "resources.bad.key" && e.Message.Contains("should match")), Show(errors));
    }

    [Fact]
    public void StackReference_AcceptsNameAndOutputs()
    {
        AssertNoErrors("""
            resources:
              other:
                type: pulumi:pulumi:StackReference
                properties:
                  name: org/proj/prod
            outputs:
              vpc: ${other.outputs["vpcId"]}
            """);
        AssertSingleError("""
            resources:
              other:
                type: pulumi:pulumi:StackReference
                properties:
                  stack: org/proj/prod
            """, "resources.other.properties.stack", "unknown property 'stack'");
    }

    [Fact]
    public void ProviderWithoutSchemaInputs_AcceptsNoProperties()
    {
        AssertNoErrors("""
            resources:
              rnd:
                type: pulumi:providers:random
            """);
        AssertSingleError("""
            resources:
              rnd:
                type: pulumi:providers:random
                properties:
                  seed: 1
            """, "resources.rnd.properties.seed", "has no input properties");
    }

    [Fact]
    public void OneOf_IntOrString_AcceptsEither()
    {
        AssertNoErrors("""
            resources:
              svc:
                type: kubernetes:core/v1:Service
                properties:
                  spec:
                    ports:
                      - port: 80
                        targetPort: http
                      - port: 81
                        targetPort: 8081
            """);
        AssertSingleError("""
            resources:
              svc:
                type: kubernetes:core/v1:Service
                properties:
                  spec:
                    ports:
                      - port: 80
                        targetPort: [http]
            """, "resources.svc.properties.spec.ports[0].targetPort", "expected one of");
    }

    [Fact]
    public void Enum_ValueIsChecked()
    {
        AssertSingleError("""
            resources:
              cmd:
                type: command:local:Command
                properties:
                  create: echo hi
                  logging: everything
            """, "resources.cmd.properties.logging", "not allowed for enum command:local:Logging");
    }

    [Fact]
    public void MalformedYaml_AndMultipleDocuments_AreReported()
    {
        Assert.Contains(Validate("resources: [unclosed"), e => e.Message.Contains("YAML syntax error"));
        Assert.Contains(Validate("name: a\n---\nname: b\n"), e => e.Message.Contains("exactly one YAML document"));
        Assert.Contains(Validate("- just\n- a list\n"), e => e.Message.Contains("top level"));
    }
}

public class SchemaValidatorRobustnessTests
{
    [Theory]
    [InlineData("")]
    [InlineData("resources: 5")]
    [InlineData("resources:\n  a:\n")]
    [InlineData("resources:\n  a: {type: }\n")]
    [InlineData("resources:\n  a: {type: [x]}\n")]
    [InlineData("resources:\n  ? [complex]\n  : {type: docker:Network}\n")]
    [InlineData("just a scalar")]
    [InlineData("outputs:\n  a: ${}\n  b: ${[\"a.b\"].id}\n  c: ${a.b[x]}\n  d: ${pulumi.nope}\n  e: \"$\"\n")]
    [InlineData("resources:\n  a:\n    type: docker:Network\n    properties: ${cfg}\n    options: [x]\n")]
    [InlineData("resources:\n  a:\n    type: pulumi:providers:nope\n  b:\n    type: a:b:c:d\n")]
    [InlineData("variables:\n  x:\n    fn::invoke: notamap\n  y:\n    fn::join: x\n  z:\n    fn::assetArchive: {a: 1}\n")]
    [InlineData("config: [1, 2]\nvariables: 3\n")]
    public void OddPrograms_ProduceFindings_NotExceptions(string yaml)
    {
        var errors = new SchemaValidator(ProviderSchemas.Shared).Validate(yaml);
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
    }

    [Fact]
    public void Load_MissingDirectory_Throws()
    {
        var ex = Assert.Throws<DirectoryNotFoundException>(() => ProviderSchemas.Load("/nonexistent/schemas"));
        Assert.Contains("/nonexistent/schemas", ex.Message);
    }

    [Fact]
    public void Shared_IsOneInstance_AcrossThreads()
    {
        var instances = new ProviderSchemas[8];
        Parallel.For(0, instances.Length, i => instances[i] = ProviderSchemas.Shared);
        Assert.All(instances, s => Assert.Same(ProviderSchemas.Shared, s));
    }
}
