using GenImage.Emulator.Arm;

namespace GenImage.Emulator.Providers;

/// <summary>A resource provider (or part of one): registers its routes, api-versions and handlers in the routing table.</summary>
internal interface IResourceProvider
{
    void Register(RouteTable routes);
}
