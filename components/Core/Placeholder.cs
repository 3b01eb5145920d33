namespace Infra.Components.Core;
internal static class Placeholder { }
