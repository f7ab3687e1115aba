using GenImage.Core.Errors;

namespace GenImage.Core.Tests.Errors;

public class ArmErrorsTests
{
    [Theory]
    [InlineData(404, "ResourceNotFound", "ResourceNotFound", GenImageErrorKind.ObjectNotFound)]
    [InlineData(404, "ResourceGroupNotFound", "ResourceNotFound", GenImageErrorKind.ObjectNotFound)]
    [InlineData(404, "SubscriptionNotFound", "SubscriptionNotFound", GenImageErrorKind.ObjectNotFound)]
    [InlineData(409, "OperationNotAllowed", "ArmOperationNotAllowed", GenImageErrorKind.InvalidOperation)]
    [InlineData(403, "AuthorizationFailed", "ArmAuthorizationFailed", GenImageErrorKind.PermissionDenied)]
    [InlineData(401, "AuthenticationFailed", "ArmAuthenticationFailed", GenImageErrorKind.AuthenticationError)]
    [InlineData(429, "TooManyRequests", "ArmTooManyRequests", GenImageErrorKind.LimitsExceeded)]
    [InlineData(400, "InvalidParameter", "ArmInvalidParameter", GenImageErrorKind.InvalidArgument)]
    [InlineData(503, "ServiceUnavailable", "ArmServiceUnavailable", GenImageErrorKind.ResourceUnavailable)]
    [InlineData(500, null, "ArmRequestFailed", GenImageErrorKind.ResourceUnavailable)]
    public void Classify_maps_status_and_code_to_a_stable_id_and_kind(int status, string? code, string id, GenImageErrorKind kind)
    {
        var (errorId, errorKind) = ArmErrors.Classify(status, code);
        Assert.Equal(id, errorId);
        Assert.Equal(kind, errorKind);
    }
}
