/**
 * Some SDK specs import `Models` from the SDK's `src` index, whose models index leaves out
 * SetCustomFieldDto (its enums are read at run time by the user specs). This is that index
 * with the models shim in place of `./models`, so those specs test the server.
 */
export * from '../../node_modules/authing-node-sdk/src/ManagementClient';
export * from '../../node_modules/authing-node-sdk/src/ManagementClientOptions';
export * from '../../node_modules/authing-node-sdk/src/AuthenticationClient';
export * from '../../node_modules/authing-node-sdk/src/AuthenticationClientOptions';
export * from '../../node_modules/authing-node-sdk/src/AuthenticationClientInterface';
export * as Models from './models-shim';
