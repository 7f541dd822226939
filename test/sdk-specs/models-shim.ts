/**
 * The SDK's specs import request models from `src/models`, but its index leaves out
 * CreateDepartmentReqDto and UpdateDepartmentReqDto (whose enums the department specs read at
 * run time). This adds them, so those specs test the server rather than the SDK's packaging.
 */
export * from '../../node_modules/authing-node-sdk/src/models/index';
export { CreateDepartmentReqDto } from '../../node_modules/authing-node-sdk/src/models/CreateDepartmentReqDto';
export { UpdateDepartmentReqDto } from '../../node_modules/authing-node-sdk/src/models/UpdateDepartmentReqDto';
// The role specs read TargetDto.targetType at run time; the index leaves it out too.
export { TargetDto } from '../../node_modules/authing-node-sdk/src/models/TargetDto';
// The resource specs read these models' enums at run time; the index leaves them out as well.
export { AuthorizeResourceItem } from '../../node_modules/authing-node-sdk/src/models/AuthorizeResourceItem';
export { CreateResourceBatchItemDto } from '../../node_modules/authing-node-sdk/src/models/CreateResourceBatchItemDto';
export { CreateResourceDto } from '../../node_modules/authing-node-sdk/src/models/CreateResourceDto';
export { ResourceItemDto } from '../../node_modules/authing-node-sdk/src/models/ResourceItemDto';
export { UpdateResourceDto } from '../../node_modules/authing-node-sdk/src/models/UpdateResourceDto';
// The user specs declare custom fields with SetCustomFieldDto's enums.
export { SetCustomFieldDto } from '../../node_modules/authing-node-sdk/src/models/SetCustomFieldDto';
