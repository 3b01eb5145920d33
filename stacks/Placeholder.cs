namespace Infra.Stacks;
internal static class Placeholder { }
